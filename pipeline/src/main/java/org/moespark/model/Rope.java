package org.moespark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
  private INDArray cos;
  private INDArray sin;
  private INDArray tmp;

  Rope(double theta, double scale) {
    this.theta = theta;
    this.scale = scale;
  }

  /** x [G, T, D] (G = B·H) → out [G, T, D]; both contiguous c-order, distinct. */
  void forward(INDArray x, INDArray out) {
    tables(x);
    INDArray x2 = flat(x);
    INDArray o2 = flat(out);
    swap(x, tmp);
    flat(tmp).muliRowVector(sin);
    o2.assign(x2).muliRowVector(cos).addi(flat(tmp));
  }

  /** dy [G, T, D] → dx [G, T, D] (the transpose of {@link #forward}). */
  void backward(INDArray dy, INDArray dx) {
    tables(dy);
    flat(tmp).assign(flat(dy)).muliRowVector(sin);
    swap(tmp, dx);
    flat(tmp).assign(flat(dy)).muliRowVector(cos);
    flat(dx).addi(flat(tmp));
  }

  private void tables(INDArray x) {
    int t = (int) x.size(1);
    int d = (int) x.size(2);
    tmp = Buffers.ensure(tmp, x.dataType(), x.shape());
    if (cos != null && cos.dataType() == x.dataType() && cos.length() == (long) t * d) {
      return;
    }
    int half = d / 2;
    double[] c = new double[t * d];
    double[] s = new double[t * d];
    for (int p = 0; p < t; p++) {
      for (int i = 0; i < half; i++) {
        double angle = p * Math.pow(theta, -2.0 * i / d);
        double cv = Math.cos(angle) * scale;
        double sv = Math.sin(angle) * scale;
        c[p * d + i] = cv;
        c[p * d + half + i] = cv;
        s[p * d + i] = -sv;
        s[p * d + half + i] = sv;
      }
    }
    cos = Nd4j.createFromArray(c).castTo(x.dataType()).reshape(1, (long) t * d);
    sin = Nd4j.createFromArray(s).castTo(x.dataType()).reshape(1, (long) t * d);
  }

  /** out[..., :D/2] = x[..., D/2:], out[..., D/2:] = x[..., :D/2]. */
  private static void swap(INDArray x, INDArray out) {
    long half = x.size(2) / 2;
    long d = x.size(2);
    out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, half))
        .assign(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(half, d)));
    out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(half, d))
        .assign(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, half)));
  }

  private static INDArray flat(INDArray x) {
    return x.reshape(x.size(0), x.size(1) * x.size(2));
  }
}
