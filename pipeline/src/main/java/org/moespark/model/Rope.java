package org.moespark.model;

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
  private double[] cos;
  private double[] sin;

  Rope(double theta, double scale) {
    this.theta = theta;
    this.scale = scale;
  }

  /** x [G, T, D] (G = B·H) → out [G, T, D]; both contiguous c-order, distinct. */
  void forward(INDArray x, INDArray out) {
    rotate(x, out, false);
  }

  /** dy [G, T, D] → dx [G, T, D] (the transpose of {@link #forward}). */
  void backward(INDArray dy, INDArray dx) {
    rotate(dy, dx, true);
  }

  /**
   * One host pass over the [G·T, D] rows ({@link RowAccess}, split over the cores; ND4J needed two strided assigns and
   * four broadcast ops): {@code out[i] = in[i]·cos[i] + in[swap(i)]·sin±[i]}, or for the transpose
   * {@code out[i] = in[i]·cos[i] + in[swap(i)]·sin±[swap(i)]}.
   */
  private void rotate(INDArray in, INDArray out, boolean transpose) {
    int t = (int) in.size(1);
    int d = (int) in.size(2);
    tables(t, d);
    int half = d / 2;
    int rows = (int) in.size(0) * t;
    double[] cs = cos;
    double[] sn = sin;
    int swapped = transpose ? half : 0;
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
  }
}
