package org.moespark.model.moe;

/**
 * Switch Transformer load-balancing loss (Fedus et al. 2021, eq. 4) with Megatron's top-k
 * scaling: {@code L = E·Σ_i f_i·P_i}, {@code f_i = count_i/Σ_j count_j} (pairs routed to i, before
 * capacity; Σ_j count_j = K·N), {@code P_i = mean_n p_{n,i}}; 1 when perfectly balanced. f is
 * piecewise constant, so the gradient flows through P only. Under data parallelism the counts are
 * the global batch's (summed over ranks) and P this rank's: the mean over ranks of the loss and
 * of its gradient is then the global batch's.
 */
public final class SwitchBalanceLoss {
  private SwitchBalanceLoss() {}

  /** @param probs [N·E] token-major router distribution; @param load [E] routed pair counts */
  public static double value(double[] probs, long[] load, int n) {
    int e = load.length;
    double pairs = pairs(load);
    double loss = 0;
    for (int i = 0; i < e; i++) {
      double p = 0;
      for (int t = 0; t < n; t++) {
        p += probs[t * e + i];
      }
      loss += load[i] / pairs * (p / n);
    }
    return e * loss;
  }

  /** dProbs[n, i] += coef · E · f_i / N. */
  public static void addGrad(double coef, long[] load, int n, double[] dProbs) {
    int e = load.length;
    double pairs = pairs(load);
    for (int i = 0; i < e; i++) {
      double g = coef * e * (load[i] / pairs) / n;
      for (int t = 0; t < n; t++) {
        dProbs[t * e + i] += g;
      }
    }
  }

  private static double pairs(long[] load) {
    long s = 0;
    for (long l : load) {
      s += l;
    }
    return s;
  }
}
