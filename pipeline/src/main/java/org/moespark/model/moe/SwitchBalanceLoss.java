package org.moespark.model.moe;

/**
 * Switch Transformer load-balancing loss (Fedus et al. 2021, eq. 4) with Megatron's top-k
 * scaling: {@code L = E·Σ_i f_i·P_i}, {@code f_i = count_i/(K·N)} (pairs routed to i, before
 * capacity), {@code P_i = mean_n p_{n,i}}; 1 when perfectly balanced. f is piecewise constant,
 * so the gradient flows through P only.
 */
public final class SwitchBalanceLoss {
  private SwitchBalanceLoss() {}

  /** @param probs [N·E] token-major router distribution; @param load [E] routed pair counts */
  public static double value(double[] probs, long[] load, int n, int k) {
    int e = load.length;
    double loss = 0;
    for (int i = 0; i < e; i++) {
      double p = 0;
      for (int t = 0; t < n; t++) {
        p += probs[t * e + i];
      }
      loss += (double) load[i] / ((double) k * n) * (p / n);
    }
    return e * loss;
  }

  /** dProbs[n, i] += coef · E · f_i / N. */
  public static void addGrad(double coef, long[] load, int n, int k, double[] dProbs) {
    int e = load.length;
    for (int i = 0; i < e; i++) {
      double g = coef * e * ((double) load[i] / ((double) k * n)) / n;
      for (int t = 0; t < n; t++) {
        dProbs[t * e + i] += g;
      }
    }
  }
}
