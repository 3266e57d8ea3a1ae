package org.moespark.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Causal attention's softmax over the rows of a float32/float64 [G·T, T] array in place, on the
 * host ({@link RowAccess}, rows split over the cores by {@link RowRanges}), in float64 with
 * {@link HostExp}: row r covers columns [0, r mod T] and its other columns become 0, so the masked
 * half is neither computed nor masked with a -1e9 bias first (ND4J needed a broadcast add of the
 * mask and a softmax over the whole row: 2.3x the time on both presets' shapes). Max and sum run
 * over eight accumulators: a single one waits on each add's latency, and a fixed order keeps the
 * bits. (Over whole rows, as for the LM head, this loop is no faster than ND4J's softmax.)
 */
final class HostSoftmax {
  private static final int LANES = 8;

  private HostSoftmax() {}

  /** Row r over columns [0, r mod period], zero after. */
  static void causal(INDArray rows, int period) {
    int width = (int) rows.columns();
    RowRanges.forEach((int) rows.rows(), width, (from, to) -> {
      RowAccess access = RowAccess.of(rows);
      double[] x = new double[width];
      double[] acc = new double[LANES];
      for (int r = from; r < to; r++) {
        int n = r % period + 1;
        access.get(r, x);
        double max = max(x, n, acc);
        for (int j = 0; j < n; j++) {
          x[j] -= max;
        }
        HostExp.inPlace(x, 0, n);
        double inv = 1 / sum(x, n, acc);
        for (int j = 0; j < n; j++) {
          x[j] *= inv;
        }
        java.util.Arrays.fill(x, n, width, 0);
        access.put(r, x);
      }
    });
  }

  private static double max(double[] x, int n, double[] acc) {
    java.util.Arrays.fill(acc, Double.NEGATIVE_INFINITY);
    int j = 0;
    for (; j + LANES <= n; j += LANES) {
      for (int l = 0; l < LANES; l++) {
        acc[l] = Math.max(acc[l], x[j + l]);
      }
    }
    double m = Double.NEGATIVE_INFINITY;
    for (; j < n; j++) {
      m = Math.max(m, x[j]);
    }
    for (int l = 0; l < LANES; l++) {
      m = Math.max(m, acc[l]);
    }
    return m;
  }

  private static double sum(double[] x, int n, double[] acc) {
    java.util.Arrays.fill(acc, 0);
    int j = 0;
    for (; j + LANES <= n; j += LANES) {
      for (int l = 0; l < LANES; l++) {
        acc[l] += x[j + l];
      }
    }
    double s = 0;
    for (int l = 0; l < LANES; l++) {
      s += acc[l];
    }
    for (; j < n; j++) {
      s += x[j];
    }
    return s;
  }
}
