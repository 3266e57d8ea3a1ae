package org.moespark.model;

import java.nio.ByteBuffer;

/**
 * The exp-bound row kernels of {@link RowKernels} (softmax of a row, SwiGLU's gate) and e^x, on
 * vectors ({@link VectorRowKernels}, {@link VectorExp}) or on their scalar twin: the same IEEE
 * operations in the same order, so both give the same bits (tested).
 *
 * <p>e^x is Cephes' expf (Moshier 1984): n = round(x·log₂e) by the 1.5·2²³ rounding trick,
 * r = x − n·ln2 in two parts, a degree-5 polynomial, 2ⁿ from the exponent bits; arguments clamped
 * to [−87.3, 88], within 2 ulp of e^x there (tested).
 *
 * <p>Apart from {@link RowKernels} because its initialisation compiles them ({@code warmUp}): C2
 * guards code that reads a static of a class still being initialised, or calls its methods, with a
 * class-initialisation check, and the first call from another thread (a training step's worker)
 * fails that check and throws the compiled code away (-XX:+LogCompilation: uncommon trap
 * "initialized" in softmax, the gate, exp and VectorExp.exp, in every JVM). They were compiled
 * again after the model's other vector kernels had run, the order the warm-up exists to avoid:
 * without the launcher's dontinline option for {@link VectorRowKernels}, softmax then came back
 * onto the Vector API's boxed fallbacks in 2 of 19 demo training JVMs (a softmax at 6.8-7.6 ns per
 * element instead of 1.7-2.5); with the option, 0 of 10. Here the warm-up's code is kept: one C2
 * compile of each per JVM.
 */
final class ExpKernels {
  static final float MIN_ARG = -87.3f;
  static final float MAX_ARG = 88f;
  static final float LOG2E = 1.44269504088896341f;
  static final float MAGIC = 12582912f;
  static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
  static final float LN2_HI = 0.693359375f;
  static final float LN2_LO = -2.12194440e-4f;
  static final float[] POLY = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f,
      1.6666665459e-1f, 5.0000001201e-1f};

  private ExpKernels() {}

  /**
   * Softmax of x[0, n) in place, on vectors or on the twin; {@code lanes} is scratch of
   * {@link RowKernels#LANES}.
   */
  static void softmax(float[] x, int n, float[] lanes, boolean vector) {
    int blocks = n - n % RowKernels.LANES;
    float max = vector ? VectorRowKernels.max(x, blocks, Float.NEGATIVE_INFINITY, lanes) : Float.NEGATIVE_INFINITY;
    for (int j = vector ? blocks : 0; j < n; j++) {
      max = Math.max(max, x[j]);
    }
    if (vector) {
      VectorRowKernels.expShifted(x, blocks, max, lanes);
    } else {
      java.util.Arrays.fill(lanes, 0);
      for (int j = 0; j < blocks; j += RowKernels.LANES) {
        for (int l = 0; l < RowKernels.LANES; l++) {
          float e = exp(x[j + l] - max);
          x[j + l] = e;
          lanes[l] += e;
        }
      }
    }
    float sum = 0;
    for (int l = 0; l < RowKernels.LANES; l++) {
      sum += lanes[l];
    }
    for (int j = blocks; j < n; j++) {
      x[j] = exp(x[j] - max);
      sum += x[j];
    }
    float inv = 1f / sum;
    for (int j = 0; j < n; j++) {
      x[j] *= inv;
    }
  }

  /**
   * The gate over the first n floats of the byte views: σ(a), silu(a) and silu(a)·b into sig, silu
   * and g (see {@link #swiglu(float[], float[], float[])}); on vectors, the tail on the host.
   */
  static void swiglu(ByteBuffer a, ByteBuffer b, ByteBuffer sig, ByteBuffer silu, ByteBuffer g, int n) {
    int blocks = n - n % RowKernels.LANES;
    VectorRowKernels.swiglu(a, b, sig, silu, g, blocks);
    for (int j = blocks; j < n; j++) {
      float s = 1f / (exp(-a.getFloat(4 * j)) + 1f);
      float u = a.getFloat(4 * j) * s;
      sig.putFloat(4 * j, s);
      silu.putFloat(4 * j, u);
      g.putFloat(4 * j, u * b.getFloat(4 * j));
    }
  }

  /** a ← silu(a), b ← silu(a)·b, sig ← σ(a): the twin. */
  static void swiglu(float[] a, float[] b, float[] sig) {
    for (int j = 0; j < a.length; j++) {
      float s = 1f / (exp(-a[j]) + 1f);
      sig[j] = s;
      a[j] *= s;
      b[j] *= a[j];
    }
  }

  /** e^x, the scalar twin of {@link VectorExp#exp}, operation for operation. */
  static float exp(float x) {
    x = Math.min(Math.max(x, MIN_ARG), MAX_ARG);
    float t = x * LOG2E + MAGIC;
    float n = t - MAGIC;
    float r = x - n * LN2_HI - n * LN2_LO;
    float p = r * POLY[0] + POLY[1];
    p = p * r + POLY[2];
    p = p * r + POLY[3];
    p = p * r + POLY[4];
    p = p * r + POLY[5];
    p = p * (r * r) + r + 1f;
    return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - MAGIC_BITS + 127) << 23);
  }
}
