package org.moespark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Causal attention's softmax over the rows of a [G·T, T] array in place: row r covers columns
 * [0, r mod T] and its other columns become 0, so the masked half is neither computed nor masked
 * with a -1e9 bias first (ND4J needed a broadcast add of the mask and a softmax over the whole row:
 * 2.3x the time on both presets' shapes with a float64 host loop, more on the float32 vector
 * kernels). float32 takes {@link RowKernels}; float64 (gradient checks) a plain host loop with
 * {@link Math#exp} ({@link RowAccess}, rows split over the cores by {@link RowRanges}).
 */
final class HostSoftmax {
  private HostSoftmax() {}

  static void causal(INDArray rows) {
    if (rows.dataType() == DataType.FLOAT) {
      RowKernels.softmaxRows(rows, true);
      return;
    }
    int width = (int) rows.columns();
    RowRanges.forEach((int) rows.rows(), width, (from, to) -> {
      RowAccess access = RowAccess.of(rows);
      double[] x = new double[width];
      for (int r = from; r < to; r++) {
        int n = r % width + 1;
        access.get(r, x);
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          max = Math.max(max, x[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
          x[j] = Math.exp(x[j] - max);
          sum += x[j];
        }
        for (int j = 0; j < n; j++) {
          x[j] /= sum;
        }
        java.util.Arrays.fill(x, n, width, 0);
        access.put(r, x);
      }
    });
  }
}
