package org.moespark.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.moespark.model.RowKernels;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fused AdamW update over ranges of flat float32/float64 buffers (zero-copy NIO views, DESIGN
 * §6): per element, with {@code g' = gradScale·g} (clipping and the micro-batch mean folded in, so
 * the gradient buffer is read once and never rescaled in place),
 * {@code m ← β1·m + (1−β1)·g'; v ← β2·v + (1−β2)·g'²; p ← decay·p − step·m/(√v + ε')},
 * computed in the buffers' type, as PyTorch's AdamW does for float32 parameters: float32 lanes
 * vectorise (0.55 ns/element against 1.9 for float64 math, measured here), which keeps the update
 * over 8× the expert parameters near the memory bound. Ranges are cut into fixed chunks that run in
 * parallel: float32 on 8-lane vectors straight over the buffers ({@link VectorAdamW}) where the JVM
 * has them, else copied in bulk into per-thread arrays and back; each element's arithmetic does
 * not depend on the split or the path, so results are the same for any thread count.
 */
final class AdamWKernel {
  /** Elements per task: four float32 chunk arrays (256 KB) stay in L2. */
  static final int CHUNK = 16384;

  /** Elements [from, to) with decay factor {@code 1 − lr·wd} (1: no decay) and Adam step size. */
  record Range(long from, long to, double decay, double step) {}

  private final double beta1;
  private final double beta2;
  private final double eps;

  AdamWKernel(double beta1, double beta2, double eps) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
  }

  void run(INDArray p, INDArray g, INDArray m, INDArray v, List<Range> ranges, double gradScale) {
    run(p, g, m, v, ranges, gradScale, RowKernels.VECTOR);
  }

  /** {@link #run} with float32 on vectors or on the twin ({@code vector} false). */
  void run(INDArray p, INDArray g, INDArray m, INDArray v, List<Range> ranges, double gradScale, boolean vector) {
    for (INDArray a : List.of(p, g, m, v)) {
      Preconditions.checkArgument(a.dataType() == p.dataType() && a.length() == p.length()
              && a.elementWiseStride() == 1 && a.offset() == 0,
          "AdamW needs four whole contiguous buffers of one type and length; got %s", a.shapeInfoToString());
    }
    List<Range> chunks = new ArrayList<>();
    for (Range r : ranges) {
      for (long from = r.from(); from < r.to(); from += CHUNK) {
        chunks.add(new Range(from, Math.min(r.to(), from + CHUNK), r.decay(), r.step()));
      }
    }
    if (p.dataType() == DataType.FLOAT) {
      FloatBuffer[] b = {p.data().asNioFloat(), g.data().asNioFloat(), m.data().asNioFloat(), v.data().asNioFloat()};
      if (vector && 4 * p.length() <= Integer.MAX_VALUE) {
        ByteBuffer[] bytes = {bytes(p), bytes(g), bytes(m), bytes(v)};
        chunks.parallelStream().forEach(c -> {
          FloatStep k = floatStep(c, gradScale);
          long done = VectorAdamW.update(bytes, (int) c.from(), (int) c.to(), k);
          updateFloat(b, new Range(done, c.to(), c.decay(), c.step()), k);
        });
      } else {
        chunks.parallelStream().forEach(c -> updateFloat(b, c, floatStep(c, gradScale)));
      }
    } else {
      Preconditions.checkArgument(p.dataType() == DataType.DOUBLE,
          "AdamW runs on float32 or float64 buffers, got %s", p.dataType());
      DoubleBuffer[] b = {p.data().asNioDouble(), g.data().asNioDouble(), m.data().asNioDouble(), v.data().asNioDouble()};
      chunks.parallelStream().forEach(c -> updateDouble(b, c, gradScale));
    }
  }

  /** Indexes of the buffers the update writes back: p, m, v (g is only read). */
  private static final int[] WRITTEN = {0, 2, 3};
  private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[4][CHUNK]);
  private static final ThreadLocal<double[][]> DOUBLES = ThreadLocal.withInitial(() -> new double[4][CHUNK]);

  /** The float32 constants of one range: a1 = 1 − b1, a2 = 1 − b2, as the update uses them. */
  record FloatStep(float gradScale, float b1, float b2, float a1, float a2, float eps, float decay, float step) {}

  private FloatStep floatStep(Range c, double gradScale) {
    return new FloatStep((float) gradScale, (float) beta1, (float) beta2, (float) (1 - beta1), (float) (1 - beta2),
        (float) eps, (float) c.decay(), (float) c.step());
  }

  private static ByteBuffer bytes(INDArray a) {
    return a.data().asNio().order(ByteOrder.nativeOrder());
  }

  /**
   * Through per-thread arrays, the loop auto-vectorised: the twin of {@link VectorAdamW} for JVMs
   * without the module (or buffers past 2 GiB), and the tail of its ranges past the last 8 lanes.
   */
  private static void updateFloat(FloatBuffer[] buffers, Range c, FloatStep k) {
    float[][] s = FLOATS.get();
    int at = (int) c.from();
    int len = (int) (c.to() - c.from());
    if (len == 0) {
      return;
    }
    for (int i = 0; i < 4; i++) {
      buffers[i].get(at, s[i], 0, len);
    }
    float[] p = s[0];
    float[] g = s[1];
    float[] m = s[2];
    float[] v = s[3];
    for (int i = 0; i < len; i++) {
      float gi = k.gradScale() * g[i];
      float mi = k.b1() * m[i] + k.a1() * gi;
      float vi = k.b2() * v[i] + k.a2() * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = k.decay() * p[i] - k.step() * mi / ((float) Math.sqrt(vi) + k.eps());
    }
    for (int i : WRITTEN) {
      buffers[i].put(at, s[i], 0, len);
    }
  }

  /** The float64 twin (float64 models: gradient checks and exact tests), element for element. */
  private void updateDouble(DoubleBuffer[] buffers, Range c, double gradScale) {
    double[][] s = DOUBLES.get();
    int at = (int) c.from();
    int len = (int) (c.to() - c.from());
    for (int i = 0; i < 4; i++) {
      buffers[i].get(at, s[i], 0, len);
    }
    double[] p = s[0];
    double[] m = s[2];
    double[] v = s[3];
    double decay = c.decay();
    double step = c.step();
    for (int i = 0; i < len; i++) {
      double gi = gradScale * s[1][i];
      m[i] = beta1 * m[i] + (1 - beta1) * gi;
      v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
      p[i] = decay * p[i] - step * m[i] / (Math.sqrt(v[i]) + eps);
    }
    for (int i : WRITTEN) {
      buffers[i].put(at, s[i], 0, len);
    }
  }
}
