package org.moespark.train;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fused AdamW update over ranges of flat float32/float64 buffers (zero-copy NIO views, DESIGN
 * §6): per element {@code m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; p ← decay·p − step·m/(√v + ε')},
 * computed in float64 and stored in the buffers' type. Ranges are cut into fixed chunks that run
 * in parallel; each element's arithmetic does not depend on the split, so results are the same
 * for any thread count.
 */
final class AdamWKernel {
  /** Elements per task: four float64 chunk arrays (256 KB) stay in L2. */
  private static final int CHUNK = 8192;
  private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[4][CHUNK]);

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

  void run(INDArray p, INDArray g, INDArray m, INDArray v, List<Range> ranges) {
    for (INDArray a : List.of(p, g, m, v)) {
      Preconditions.checkArgument(a.dataType() == p.dataType() && a.length() == p.length()
              && a.elementWiseStride() == 1 && a.offset() == 0,
          "AdamW needs four whole contiguous buffers of one type and length; got %s", a.shapeInfoToString());
    }
    Preconditions.checkArgument(p.dataType() == DataType.FLOAT || p.dataType() == DataType.DOUBLE,
        "AdamW runs on float32 or float64 buffers, got %s", p.dataType());
    List<Range> chunks = new ArrayList<>();
    for (Range r : ranges) {
      for (long from = r.from(); from < r.to(); from += CHUNK) {
        chunks.add(new Range(from, Math.min(r.to(), from + CHUNK), r.decay(), r.step()));
      }
    }
    Io io = p.dataType() == DataType.FLOAT
        ? new FloatIo(p.data().asNioFloat(), g.data().asNioFloat(), m.data().asNioFloat(), v.data().asNioFloat())
        : new DoubleIo(p.data().asNioDouble(), g.data().asNioDouble(), m.data().asNioDouble(), v.data().asNioDouble());
    chunks.parallelStream().forEach(c -> update(io, c));
  }

  private void update(Io io, Range c) {
    double[][] s = SCRATCH.get();
    double[] p = s[0];
    double[] g = s[1];
    double[] m = s[2];
    double[] v = s[3];
    int at = (int) c.from();
    int len = (int) (c.to() - c.from());
    io.read(at, len, p, g, m, v);
    double b1 = beta1;
    double b2 = beta2;
    double a1 = 1 - b1;
    double a2 = 1 - b2;
    double e = eps;
    double decay = c.decay();
    double step = c.step();
    for (int i = 0; i < len; i++) {
      double gi = g[i];
      double mi = b1 * m[i] + a1 * gi;
      double vi = b2 * v[i] + a2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = decay * p[i] - step * mi / (Math.sqrt(vi) + e);
    }
    io.write(at, len, p, m, v);
  }

  /** Moves a chunk of p, g, m, v between the buffers and float64 scratch arrays. */
  private interface Io {
    void read(int at, int len, double[] p, double[] g, double[] m, double[] v);

    void write(int at, int len, double[] p, double[] m, double[] v);
  }

  private record DoubleIo(DoubleBuffer p, DoubleBuffer g, DoubleBuffer m, DoubleBuffer v) implements Io {
    public void read(int at, int len, double[] pa, double[] ga, double[] ma, double[] va) {
      p.get(at, pa, 0, len);
      g.get(at, ga, 0, len);
      m.get(at, ma, 0, len);
      v.get(at, va, 0, len);
    }

    public void write(int at, int len, double[] pa, double[] ma, double[] va) {
      p.put(at, pa, 0, len);
      m.put(at, ma, 0, len);
      v.put(at, va, 0, len);
    }
  }

  private record FloatIo(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v) implements Io {
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[CHUNK]);

    public void read(int at, int len, double[] pa, double[] ga, double[] ma, double[] va) {
      get(p, at, len, pa);
      get(g, at, len, ga);
      get(m, at, len, ma);
      get(v, at, len, va);
    }

    public void write(int at, int len, double[] pa, double[] ma, double[] va) {
      put(p, at, len, pa);
      put(m, at, len, ma);
      put(v, at, len, va);
    }

    private static void get(FloatBuffer b, int at, int len, double[] out) {
      float[] f = ROW.get();
      b.get(at, f, 0, len);
      for (int i = 0; i < len; i++) {
        out[i] = f[i];
      }
    }

    private static void put(FloatBuffer b, int at, int len, double[] in) {
      float[] f = ROW.get();
      for (int i = 0; i < len; i++) {
        f[i] = (float) in[i];
      }
      b.put(at, f, 0, len);
    }
  }
}
