package org.moespark.model.moe;

import java.util.Arrays;

/**
 * DeepSeek-V3 complementary sequence-wise balance loss (eqs. 17–20), averaged over the B
 * sequences of a batch: per sequence of T tokens, {@code L = Σ_i f_i·P_i} with
 * {@code f_i = E/(K·T)·count_i} (tokens of the sequence selecting i) and
 * {@code P_i = (1/T)·Σ_t p_{t,i}}; 1 when balanced. Gradient through P only.
 */
public final class SequenceBalanceLoss {
  private SequenceBalanceLoss() {}

  /**
   * @param probs [N·E] token-major, N = batch·T, sequences contiguous
   * @param expert [N·K] selected experts
   */
  public static double value(double[] probs, int[] expert, int batch, int n, int k, int e) {
    int t = n / batch;
    double[] f = new double[e];
    double loss = 0;
    for (int b = 0; b < batch; b++) {
      frequencies(expert, b, t, k, f);
      for (int i = 0; i < e; i++) {
        double p = 0;
        for (int s = b * t; s < (b + 1) * t; s++) {
          p += probs[s * e + i];
        }
        loss += f[i] * p / t;
      }
    }
    return loss / batch;
  }

  /** dProbs[t, i] += coef · f_i(sequence of t) / (T·B). */
  public static void addGrad(double coef, int[] expert, int batch, int n, int k, int e,
      double[] dProbs) {
    int t = n / batch;
    double[] f = new double[e];
    for (int b = 0; b < batch; b++) {
      frequencies(expert, b, t, k, f);
      for (int s = b * t; s < (b + 1) * t; s++) {
        for (int i = 0; i < e; i++) {
          dProbs[s * e + i] += coef * f[i] / ((double) t * batch);
        }
      }
    }
  }

  private static void frequencies(int[] expert, int b, int t, int k, double[] f) {
    Arrays.fill(f, 0);
    for (int p = b * t * k; p < (b + 1) * t * k; p++) {
      f[expert[p]]++;
    }
    for (int i = 0; i < f.length; i++) {
      f[i] *= (double) f.length / ((double) k * t);
    }
  }
}
