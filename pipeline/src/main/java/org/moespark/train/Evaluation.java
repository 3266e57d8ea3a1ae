package org.moespark.train;

import java.util.HashMap;
import java.util.Map;
import org.moespark.model.MoeTransformer;

/** Validation loss and the baseline it is read against. */
final class Evaluation {
  private Evaluation() {}

  /**
   * Mean cross-entropy over the first {@code batches} batches of the validation split (a fixed
   * set, so curves are comparable across steps and variants); NaN when there is none.
   */
  static double validationCe(MoeTransformer model, int[][] validation, int batchSize, int batches) {
    int n = Math.min(batches, validation.length / batchSize);
    if (n == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int b = 0; b < n; b++) {
      int[][] batch = new int[batchSize][];
      System.arraycopy(validation, b * batchSize, batch, 0, batchSize);
      sum += model.forward(batch, false).ce();
    }
    return sum / n;
  }

  /**
   * Entropy (nats) of the unigram distribution of the validation targets: the loss of a model
   * that ignores context. A trained LM must go clearly below it.
   */
  static double unigramEntropy(int[][] sequences) {
    Map<Integer, Long> counts = new HashMap<>();
    long n = 0;
    for (int[] s : sequences) {
      for (int i = 1; i < s.length; i++) {
        counts.merge(s[i], 1L, Long::sum);
        n++;
      }
    }
    double h = 0;
    for (long c : counts.values()) {
      double p = (double) c / n;
      h -= p * Math.log(p);
    }
    return h;
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
