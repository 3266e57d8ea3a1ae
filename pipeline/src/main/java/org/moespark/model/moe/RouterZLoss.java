package org.moespark.model.moe;

/** ST-MoE router z-loss (Zoph et al. 2022, eq. 5): {@code L = (1/N)·Σ_n logsumexp(l_n)²}. */
public final class RouterZLoss {
  private RouterZLoss() {}

  /** @param logits [N·E] token-major */
  public static double value(double[] logits, int n, int e) {
    double loss = 0;
    for (int t = 0; t < n; t++) {
      double z = logSumExp(logits, t * e, e);
      loss += z * z;
    }
    return loss / n;
  }

  /** dLogits[n, i] += coef · 2·lse_n·softmax(l_n)_i / N. */
  public static void addGrad(double coef, double[] logits, int n, int e, double[] dLogits) {
    for (int t = 0; t < n; t++) {
      int o = t * e;
      double z = logSumExp(logits, o, e);
      for (int i = 0; i < e; i++) {
        dLogits[o + i] += coef * 2 * z * Math.exp(logits[o + i] - z) / n;
      }
    }
  }

  private static double logSumExp(double[] a, int o, int e) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < e; i++) {
      max = Math.max(max, a[o + i]);
    }
    double sum = 0;
    for (int i = 0; i < e; i++) {
      sum += Math.exp(a[o + i] - max);
    }
    return max + Math.log(sum);
  }
}
