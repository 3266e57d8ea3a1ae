package org.moespark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * RMSNorm (Zhang & Sennrich 2019): {@code y = g ⊙ x / sqrt(mean(x²) + eps)} per row of [N, C].
 * Backward with {@code x̂ = x·r}: {@code dx = r·(dx̂ − x̂·mean(dx̂ ⊙ x̂))}, {@code dx̂ = dy ⊙ g}.
 * One host pass per row each way ({@link RowAccess}, rows split over the cores by {@link RowRanges}):
 * ND4J took ten ops, four of them allocating.
 */
public final class RmsNorm {
  private final INDArray gain;
  private final INDArray gainGrad;
  /** Rows per partial sum of dgain: fixed, so the sum's order is the same for any core count. */
  static final int BLOCK = 64;
  private final double eps;
  private INDArray xhat;
  private INDArray out;
  private INDArray dx;
  private double[] rstd = new double[0];

  public RmsNorm(INDArray gain, INDArray gainGrad, double eps) {
    this.gain = gain;
    this.gainGrad = gainGrad;
    this.eps = eps;
  }

  /** x [N, C] → [N, C] (this module's buffer). */
  public INDArray forward(INDArray x) {
    long[] shape = x.shape();
    xhat = Buffers.ensure(xhat, x.dataType(), shape);
    out = Buffers.ensure(out, x.dataType(), shape);
    int n = (int) shape[0];
    if (rstd.length != n) {
      rstd = new double[n];
    }
    int c = (int) shape[1];
    double[] rs = rstd;
    if (x.dataType() == DataType.FLOAT) {
      float[] gf = floats(gain, c);
      RowRanges.forEach(n, c, (from, to) -> forwardFloat(x, gf, rs, from, to));
      return out;
    }
    double[] g = row(gain, c);
    RowRanges.forEach(n, c, (from, to) -> {
      RowAccess in = RowAccess.of(x);
      RowAccess xh = RowAccess.of(xhat);
      RowAccess o = RowAccess.of(out);
      double[] row = new double[c];
      for (int t = from; t < to; t++) {
        in.get(t, row);
        double ss = 0;
        for (int j = 0; j < c; j++) {
          ss += row[j] * row[j];
        }
        double r = 1 / Math.sqrt(ss / c + eps);
        rs[t] = r;
        for (int j = 0; j < c; j++) {
          row[j] *= r;
        }
        xh.put(t, row);
        for (int j = 0; j < c; j++) {
          row[j] *= g[j];
        }
        o.put(t, row);
      }
    });
    return out;
  }

  /**
   * {@link #forward} on float32 rows [from, to), in float32 but for the sum of squares (float64,
   * {@link RowKernels#sumSquares}) and 1/rms: the float64 rows of {@link RowAccess} spent most of
   * their time converting.
   */
  private void forwardFloat(INDArray x, float[] g, double[] rs, int from, int to) {
    int c = g.length;
    RowAccess in = RowAccess.of(x);
    RowAccess xh = RowAccess.of(xhat);
    RowAccess o = RowAccess.of(out);
    float[] row = new float[c];
    float[] y = new float[c];
    for (int t = from; t < to; t++) {
      in.get(t, row);
      double r = 1 / Math.sqrt(RowKernels.sumSquares(row, c) / c + eps);
      rs[t] = r;
      float rf = (float) r;
      for (int j = 0; j < c; j++) {
        row[j] *= rf;
        y[j] = row[j] * g[j];
      }
      xh.put(t, row);
      o.put(t, y);
    }
  }

  /**
   * dy [N, C] → dx [N, C]; accumulates dgain. Rows split over the cores; dgain sums each block of
   * {@link #BLOCK} rows on its own and then the blocks in order, so its bits do not depend on the split.
   */
  public INDArray backward(INDArray dy) {
    dx = Buffers.ensure(dx, dy.dataType(), dy.shape());
    int n = (int) dy.rows();
    int c = (int) dy.columns();
    double[][] blockDg = new double[(n + BLOCK - 1) / BLOCK][c];
    double[] rs = rstd;
    if (dy.dataType() == DataType.FLOAT) {
      float[] gf = floats(gain, c);
      RowRanges.forEach(blockDg.length, BLOCK * c, (fromBlock, toBlock) ->
          backwardFloat(dy, gf, rs, blockDg, fromBlock, toBlock));
      return addBlocks(blockDg, c);
    }
    double[] g = row(gain, c);
    RowRanges.forEach(blockDg.length, BLOCK * c, (fromBlock, toBlock) -> {
      RowAccess d = RowAccess.of(dy);
      RowAccess xh = RowAccess.of(xhat);
      RowAccess o = RowAccess.of(dx);
      double[] dyRow = new double[c];
      double[] xhRow = new double[c];
      for (int block = fromBlock; block < toBlock; block++) {
        double[] dg = blockDg[block];
        for (int t = block * BLOCK; t < Math.min(n, (block + 1) * BLOCK); t++) {
          d.get(t, dyRow);
          xh.get(t, xhRow);
          double dot = 0;
          for (int j = 0; j < c; j++) {
            dg[j] += dyRow[j] * xhRow[j];
            dyRow[j] *= g[j];
            dot += dyRow[j] * xhRow[j];
          }
          double m = dot / c;
          double r = rs[t];
          for (int j = 0; j < c; j++) {
            dyRow[j] = r * (dyRow[j] - xhRow[j] * m);
          }
          o.put(t, dyRow);
        }
      }
    });
    return addBlocks(blockDg, c);
  }

  /**
   * {@link #backward} on float32 blocks [fromBlock, toBlock), in float32 but for the row's dot
   * product (float64, {@link RowKernels#dot}); a block's dgain sums its rows in float32, the blocks
   * then in float64.
   */
  private void backwardFloat(INDArray dy, float[] g, double[] rs, double[][] blockDg, int fromBlock, int toBlock) {
    int n = (int) dy.rows();
    int c = g.length;
    RowAccess d = RowAccess.of(dy);
    RowAccess xh = RowAccess.of(xhat);
    RowAccess o = RowAccess.of(dx);
    float[] dyRow = new float[c];
    float[] xhRow = new float[c];
    float[] dg = new float[c];
    for (int block = fromBlock; block < toBlock; block++) {
      java.util.Arrays.fill(dg, 0);
      for (int t = block * BLOCK; t < Math.min(n, (block + 1) * BLOCK); t++) {
        d.get(t, dyRow);
        xh.get(t, xhRow);
        for (int j = 0; j < c; j++) {
          dg[j] += dyRow[j] * xhRow[j];
          dyRow[j] *= g[j];
        }
        float m = (float) (RowKernels.dot(dyRow, xhRow, c) / c);
        float r = (float) rs[t];
        for (int j = 0; j < c; j++) {
          dyRow[j] = r * (dyRow[j] - xhRow[j] * m);
        }
        o.put(t, dyRow);
      }
      for (int j = 0; j < c; j++) {
        blockDg[block][j] = dg[j];
      }
    }
  }

  /** gainGrad += the blocks' dgain, in block order; returns dx. */
  private INDArray addBlocks(double[][] blockDg, int c) {
    RowAccess gg = RowAccess.of(gainGrad, c);
    double[] dg = new double[c];
    gg.get(0, dg);
    for (double[] block : blockDg) {
      for (int j = 0; j < c; j++) {
        dg[j] += block[j];
      }
    }
    gg.put(0, dg);
    return dx;
  }

  private static float[] floats(INDArray vector, int c) {
    float[] v = new float[c];
    RowAccess.of(vector, c).get(0, v);
    return v;
  }

  private static double[] row(INDArray vector, int c) {
    double[] v = new double[c];
    RowAccess.of(vector, c).get(0, v);
    return v;
  }
}
