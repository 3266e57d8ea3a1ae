package org.moespark.train;

import java.util.HashMap;
import java.util.Map;
import org.moespark.model.MoeTransformer;

/** Validation loss and the baseline it is read against. */
final class Evaluation {
  private Evaluation() {}

  /**
   * {sum of per-slice mean cross-entropies, slices} of rank {@code rank} of {@code world} over the
   * first {@code batches} batches of the validation sequences (a fixed set, so curves are comparable
   * across steps and variants); each batch is cut into equal rank slices like a training batch, so
   * summed over ranks, sum/slices is the same mean for any world size.
   */
  static double[] validationCeSum(MoeTransformer model, int[][] validation, int batchSize,
      int batches, int rank, int world) {
    int n = Math.min(batches, validation.length / batchSize);
    int per = batchSize / world;
    double sum = 0;
    for (int b = 0; b < n; b++) {
      int[][] slice = new int[per][];
      System.arraycopy(validation, b * batchSize + rank * per, slice, 0, per);
      sum += model.forward(slice, false).ce();
    }
    return new double[] {sum, n};
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
}
