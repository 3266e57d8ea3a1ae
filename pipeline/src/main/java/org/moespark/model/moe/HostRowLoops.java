package org.moespark.model.moe;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The dispatcher's row movement as host loops over the NIO views of float32/float64 buffers
 * (zero-copy on the CPU backend, DESIGN §6): a gate-weighted gather-sum, a scaled gather and
 * row-wise dot products, each one pass instead of 3-4 ND4J ops per top-k choice. Rows move
 * through a float64 row array, so both types share one loop.
 */
final class HostRowLoops {
  private HostRowLoops() {}

  /**
   * {@code dst[t] = Σ_r w[t·K + r] · src[idx[r][t]]} (w null: weight 1); when {@code copies} is
   * not null also {@code copies[r][t] = src[idx[r][t]]}.
   */
  static void gatherSum(INDArray src, int[][] idx, double[] w, INDArray dst, INDArray[] copies) {
    int k = idx.length;
    int n = (int) dst.rows();
    Rows s = Rows.of(src);
    Rows d = Rows.of(dst);
    Rows[] c = new Rows[k];
    for (int r = 0; r < k && copies != null; r++) {
      c[r] = Rows.of(copies[r]);
    }
    int width = d.width;
    double[] row = new double[width];
    double[] acc = new double[width];
    for (int t = 0; t < n; t++) {
      java.util.Arrays.fill(acc, 0);
      for (int r = 0; r < k; r++) {
        s.get(idx[r][t], row);
        if (copies != null) {
          c[r].put(t, row);
        }
        double g = w == null ? 1 : w[t * k + r];
        for (int j = 0; j < width; j++) {
          acc[j] += g * row[j];
        }
      }
      d.put(t, acc);
    }
  }

  /** {@code dst[i] = w[i] · src[idx[i]]} for i in [0, m). */
  static void gatherScaled(INDArray src, int[] idx, double[] w, int m, INDArray dst) {
    Rows s = Rows.of(src);
    Rows d = Rows.of(dst);
    double[] row = new double[d.width];
    for (int i = 0; i < m; i++) {
      s.get(idx[i], row);
      double g = w[i];
      for (int j = 0; j < row.length; j++) {
        row[j] *= g;
      }
      d.put(i, row);
    }
  }

  /** {@code out[t·stride + at] = ⟨a[t], b[t]⟩} for every row t of a. */
  static void rowDots(INDArray a, INDArray b, double[] out, int stride, int at) {
    Rows ra = Rows.of(a);
    Rows rb = Rows.of(b);
    double[] x = new double[ra.width];
    double[] y = new double[ra.width];
    for (int t = 0; t < a.rows(); t++) {
      ra.get(t, x);
      rb.get(t, y);
      double dot = 0;
      for (int j = 0; j < x.length; j++) {
        dot += x[j] * y[j];
      }
      out[t * stride + at] = dot;
    }
  }

  /** Row access to a 2-D c-order array with unit column stride, in float64. */
  private abstract static class Rows {
    final int width;
    final int base;
    final int ld;

    Rows(INDArray a) {
      Preconditions.checkArgument(a.rank() == 2 && a.stride(1) == 1 && a.ordering() == 'c',
          "host row loops need 2-d c-order rows, got %s", a.shapeInfoToString());
      this.width = (int) a.columns();
      this.base = (int) a.offset();
      this.ld = a.rows() == 1 ? width : (int) a.stride(0);
    }

    static Rows of(INDArray a) {
      if (a.dataType() == DataType.FLOAT) {
        return new FloatRows(a);
      }
      Preconditions.checkArgument(a.dataType() == DataType.DOUBLE, "float32 or float64 only, got %s",
          a.dataType());
      return new DoubleRows(a);
    }

    abstract void get(int row, double[] out);

    abstract void put(int row, double[] in);
  }

  private static final class FloatRows extends Rows {
    private final FloatBuffer buf;
    private final float[] tmp;

    FloatRows(INDArray a) {
      super(a);
      buf = a.data().asNioFloat();
      tmp = new float[width];
    }

    void get(int row, double[] out) {
      buf.get(base + row * ld, tmp, 0, width);
      for (int j = 0; j < width; j++) {
        out[j] = tmp[j];
      }
    }

    void put(int row, double[] in) {
      for (int j = 0; j < width; j++) {
        tmp[j] = (float) in[j];
      }
      buf.put(base + row * ld, tmp, 0, width);
    }
  }

  private static final class DoubleRows extends Rows {
    private final DoubleBuffer buf;

    DoubleRows(INDArray a) {
      super(a);
      buf = a.data().asNioDouble();
    }

    void get(int row, double[] out) {
      buf.get(base + row * ld, out, 0, width);
    }

    void put(int row, double[] in) {
      buf.put(base + row * ld, in, 0, width);
    }
  }
}
