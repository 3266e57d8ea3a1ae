package org.moespark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rotary position embedding (Su et al. 2021, RoFormer) in the "rotate-half" layout of GPT-NeoX /
 * HF Llama: within a head of width D, element i pairs with element i + D/2, rotated by the angle
 * {@code t·θ^(−2i/D)}. As a linear map {@code y = x ⊙ cos + swap(x) ⊙ sin±} with
 * {@code cos = [c, c]}, {@code sin± = [−s, s]} and swap exchanging the two halves; its transpose is
 * {@code dx = dy ⊙ cos + swap(dy ⊙ sin±)}. An optional scale folds attention's 1/√D into q.
 */
final class Rope {
  private final double theta;
  private final double scale;
  /** Elements per block of rows that the float32 pass reads and writes at once. */
  private static final int BLOCK = 4096;
  private double[] cos;
  private double[] sin;
  private float[] cosF;
  private float[] sinF;

  Rope(double theta, double scale) {
    this.theta = theta;
    this.scale = scale;
  }

  /** x [G, T, D] (G = B·H) → out [G, T, D]; both contiguous c-order, distinct. */
  void forward(INDArray x, INDArray out) {
    rotate(x, out, false, RowKernels.VECTOR);
  }

  /** dy [G, T, D] → dx [G, T, D] (the transpose of {@link #forward}). */
  void backward(INDArray dy, INDArray dx) {
    rotate(dy, dx, true, RowKernels.VECTOR);
  }

  /**
   * One host pass over the [G·T, D] rows, split over the cores (ND4J needed two strided assigns and
   * four broadcast ops): {@code out[i] = in[i]·cos[i] + in[swap(i)]·sin±[i]}, or for the transpose
   * {@code out[i] = in[i]·cos[i] + in[swap(i)]·sin±[swap(i)]}, through {@link RowAccess}. float32
   * computes in float32 on blocks of whole rows, one copy each way per block (a head's D-wide rows
   * one call each, converted to float64, spent more time on the calls and the conversions than on
   * the rotation), on 8-lane vectors where {@code vector} and D/2 is a multiple of 8 (else, and in
   * the tests that compare the two, on the scalar twin: the same IEEE operations, so the same bits);
   * float64 row by row.
   */
  void rotate(INDArray in, INDArray out, boolean transpose, boolean vector) {
    int t = (int) in.size(1);
    int d = (int) in.size(2);
    tables(t, d);
    int rows = (int) in.size(0) * t;
    int swapped = transpose ? d / 2 : 0;
    if (in.dataType() == DataType.FLOAT) {
      boolean lanes = vector && (d / 2) % RowKernels.LANES == 0;
      RowRanges.forEach(rows, d, (from, to) -> rotateFloat(RowAccess.of(in, d), RowAccess.of(out, d), from, to, t,
          swapped, lanes));
      return;
    }
    int half = d / 2;
    double[] cs = cos;
    double[] sn = sin;
    RowRanges.forEach(rows, d, (from, to) -> {
      RowAccess src = RowAccess.of(in, d);
      RowAccess dst = RowAccess.of(out, d);
      double[] x = new double[d];
      double[] y = new double[d];
      for (int row = from; row < to; row++) {
        src.get(row, x);
        int o = (row % t) * d;
        // the halves in two loops without a branch, which Java's auto-vectoriser takes
        for (int i = 0; i < half; i++) {
          y[i] = x[i] * cs[o + i] + x[i + half] * sn[o + i + swapped];
        }
        for (int i = half; i < d; i++) {
          y[i] = x[i] * cs[o + i] + x[i - half] * sn[o + i - swapped];
        }
        dst.put(row, y);
      }
    });
  }

  /** {@link #rotate} on float32 rows [from, to), {@link #BLOCK} elements' worth of whole rows at a time. */
  private void rotateFloat(RowAccess src, RowAccess dst, int from, int to, int t, int swapped, boolean vector) {
    int d = src.width;
    float[] cs = cosF;
    float[] sn = sinF;
    int half = d / 2;
    int chunk = Math.max(1, BLOCK / d);
    float[] x = new float[chunk * d];
    float[] y = new float[chunk * d];
    for (int r0 = from; r0 < to; r0 += chunk) {
      int r1 = Math.min(to, r0 + chunk);
      int n = (r1 - r0) * d;
      src.get(r0, r1 - r0, x);
      int o = (r0 % t) * d;
      for (int b = 0; b < n; b += d) {
        if (vector) {
          VectorRowKernels.rotateHalves(x, y, b, cs, sn, o, half, swapped);
        } else {
          // both halves in one loop: half as many short loops, which cost more than their arithmetic;
          // Java does not vectorise it (the stores at b + i + half): the vector twin ran 1.9x as fast
          for (int i = 0; i < half; i++) {
            float lo = x[b + i];
            float hi = x[b + i + half];
            y[b + i] = lo * cs[o + i] + hi * sn[o + i + swapped];
            y[b + i + half] = hi * cs[o + i + half] + lo * sn[o + i + half - swapped];
          }
        }
        o = o + d == cs.length ? 0 : o + d;
      }
      dst.put(r0, r1 - r0, y);
    }
  }

  private void tables(int t, int d) {
    if (cos != null && cos.length == t * d) {
      return;
    }
    int half = d / 2;
    cos = new double[t * d];
    sin = new double[t * d];
    for (int p = 0; p < t; p++) {
      for (int i = 0; i < half; i++) {
        double angle = p * Math.pow(theta, -2.0 * i / d);
        double cv = Math.cos(angle) * scale;
        double sv = Math.sin(angle) * scale;
        cos[p * d + i] = cv;
        cos[p * d + half + i] = cv;
        sin[p * d + i] = -sv;
        sin[p * d + half + i] = sv;
      }
    }
    cosF = new float[t * d];
    sinF = new float[t * d];
    for (int i = 0; i < t * d; i++) {
      cosF[i] = (float) cos[i];
      sinF[i] = (float) sin[i];
    }
  }
}
