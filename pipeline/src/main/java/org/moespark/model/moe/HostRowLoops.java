package org.moespark.model.moe;

import org.moespark.model.RowAccess;
import org.moespark.model.RowKernels;
import org.moespark.model.RowRanges;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The dispatcher's row movement as host loops over the NIO views of float32/float64 buffers
 * ({@link RowAccess}): a gate-weighted gather-sum, a scaled gather and row-wise dot products,
 * each one pass instead of 3-4 ND4J ops per top-k choice, the rows split over the cores
 * ({@link RowRanges}). float32 rows stay float32 (Java vectorises those loops; the float64 rows
 * spent most of their time converting), dot products in float64 on 8 lanes ({@link RowKernels#dot}).
 */
final class HostRowLoops {
  private HostRowLoops() {}

  /**
   * {@code dst[t] = Σ_r w[t·K + r] · src[idx[r][t]]} (w null: weight 1); when {@code copies} is
   * not null also {@code copies[r][t] = src[idx[r][t]]}.
   */
  static void gatherSum(INDArray src, int[][] idx, double[] w, INDArray dst, INDArray[] copies) {
    int k = idx.length;
    int width = (int) dst.columns();
    boolean single = dst.dataType() == DataType.FLOAT;
    RowRanges.forEach((int) dst.rows(), k * width, (from, to) -> {
      RowAccess s = RowAccess.of(src);
      RowAccess d = RowAccess.of(dst);
      RowAccess[] c = new RowAccess[k];
      for (int r = 0; r < k && copies != null; r++) {
        c[r] = RowAccess.of(copies[r]);
      }
      if (single) {
        float[] row = new float[width];
        float[] acc = new float[width];
        for (int t = from; t < to; t++) {
          java.util.Arrays.fill(acc, 0);
          for (int r = 0; r < k; r++) {
            s.get(idx[r][t], row);
            if (copies != null) {
              c[r].put(t, row);
            }
            float g = w == null ? 1 : (float) w[t * k + r];
            for (int j = 0; j < width; j++) {
              acc[j] += g * row[j];
            }
          }
          d.put(t, acc);
        }
        return;
      }
      double[] row = new double[width];
      double[] acc = new double[width];
      for (int t = from; t < to; t++) {
        java.util.Arrays.fill(acc, 0);
        for (int r = 0; r < k; r++) {
          s.get(idx[r][t], row);
          if (copies != null) {
            s.copyTo(idx[r][t], c[r], t);
          }
          double g = w == null ? 1 : w[t * k + r];
          for (int j = 0; j < width; j++) {
            acc[j] += g * row[j];
          }
        }
        d.put(t, acc);
      }
    });
  }

  /** {@code dst[i] = w[i] · src[idx[i]]} for i in [0, m). */
  static void gatherScaled(INDArray src, int[] idx, double[] w, int m, INDArray dst) {
    boolean single = dst.dataType() == DataType.FLOAT;
    RowRanges.forEach(m, (int) dst.columns(), (from, to) -> {
      RowAccess s = RowAccess.of(src);
      RowAccess d = RowAccess.of(dst);
      if (single) {
        float[] row = new float[d.width];
        for (int i = from; i < to; i++) {
          s.get(idx[i], row);
          float g = (float) w[i];
          for (int j = 0; j < row.length; j++) {
            row[j] *= g;
          }
          d.put(i, row);
        }
        return;
      }
      double[] row = new double[d.width];
      for (int i = from; i < to; i++) {
        s.get(idx[i], row);
        double g = w[i];
        for (int j = 0; j < row.length; j++) {
          row[j] *= g;
        }
        d.put(i, row);
      }
    });
  }

  /** {@code out[t·stride + at] = ⟨a[t], b[t]⟩} for every row t of a. */
  static void rowDots(INDArray a, INDArray b, double[] out, int stride, int at) {
    boolean single = a.dataType() == DataType.FLOAT;
    RowRanges.forEach((int) a.rows(), (int) a.columns(), (from, to) -> {
      RowAccess ra = RowAccess.of(a);
      RowAccess rb = RowAccess.of(b);
      if (single) {
        float[] x = new float[ra.width];
        float[] y = new float[ra.width];
        for (int t = from; t < to; t++) {
          ra.get(t, x);
          rb.get(t, y);
          out[t * stride + at] = RowKernels.dot(x, y, x.length);
        }
        return;
      }
      double[] x = new double[ra.width];
      double[] y = new double[ra.width];
      for (int t = from; t < to; t++) {
        ra.get(t, x);
        rb.get(t, y);
        double dot = 0;
        for (int j = 0; j < x.length; j++) {
          dot += x[j] * y[j];
        }
        out[t * stride + at] = dot;
      }
    });
  }
}
