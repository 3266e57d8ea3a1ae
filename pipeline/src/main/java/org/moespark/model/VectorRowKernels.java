package org.moespark.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernels} and {@link ExpKernels} on 8-lane float vectors ({@code jdk.incubator.vector});
 * loaded only where the JVM has that module ({@link RowKernels#VECTOR}). Lane-wise operations are
 * IEEE and not fused, so each lane computes what the scalar twin computes.
 *
 * <p>The memory-bound kernels (SwiGLU, the adds) read and write ND4J's buffers through their
 * native-order byte views, no row copied into a Java array and back. Softmax makes three passes
 * over a row and runs on the row copied into an array: on JDK 17 a vector load or store through a
 * byte buffer costs some 2 ns more than on an array (a scaling pass over an 8192-float row in L1:
 * 0.30 against 0.05 ns per element), and the LM head's softmax over [4096, 8192] took 47-48 ms
 * straight over the buffer against 29-37 copied.
 *
 * <p>The JVM options (the pom's {@code vector.options}) keep every method here out of its callers'
 * compiles: inlined into the row loops, C2 reached its node budget next to the vector code and left
 * parts of it on the API's boxed fallbacks.
 */
final class VectorRowKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  /** 8 doubles, S's lanes widened: vectors only where the CPU has 512-bit registers (AVX-512). */
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_512;
  static final boolean WIDE = DoubleVector.SPECIES_PREFERRED.length() >= D.length();

  private VectorRowKernels() {}

  /** The CPU has vectors of {@link #S}'s 8 floats at least, which C2 compiles to vector instructions. */
  static boolean nativeLanes() {
    return FloatVector.SPECIES_PREFERRED.length() >= S.length();
  }

  /**
   * The largest of x[0, blocks) and {@code max}: Math.max's order-free result, so the twin's bits;
   * {@code lanes} is scratch of 8. Four running maxima: a vector max with Math.max's NaN and −0 rules
   * takes some 10 cycles on JDK 17, so one chain ran at 0.7 ns per element. The lanes fold with
   * Math.max on the host, not {@code reduceLanes(MAX)}: once a method had run a vector max chain into
   * that reduction, C2 compiled the other vector kernels of the JVM onto the Vector API's boxed
   * fallbacks (JDK 17.0.15), and the LM head's softmax over [1024, 2048] took 10 ms instead of 2,
   * SwiGLU's gate 15 instead of 5.
   */
  static float max(float[] x, int blocks, float max, float[] lanes) {
    int l = S.length();
    FloatVector m0 = FloatVector.broadcast(S, max);
    FloatVector m1 = m0;
    FloatVector m2 = m0;
    FloatVector m3 = m0;
    int j = 0;
    for (; j + 4 * l <= blocks; j += 4 * l) {
      m0 = m0.max(FloatVector.fromArray(S, x, j));
      m1 = m1.max(FloatVector.fromArray(S, x, j + l));
      m2 = m2.max(FloatVector.fromArray(S, x, j + 2 * l));
      m3 = m3.max(FloatVector.fromArray(S, x, j + 3 * l));
    }
    for (; j < blocks; j += l) {
      m0 = m0.max(FloatVector.fromArray(S, x, j));
    }
    m0.max(m1).max(m2.max(m3)).intoArray(lanes, 0);
    float m = max;
    for (int i = 0; i < l; i++) {
      m = Math.max(m, lanes[i]);
    }
    return m;
  }

  /** x[j] ← e^(x[j] − shift) for j in [0, blocks), blocks a multiple of 8; lanes ← the lanes' sums. */
  static void expShifted(float[] x, int blocks, float shift, float[] lanes) {
    FloatVector sum = FloatVector.zero(S);
    for (int j = 0; j < blocks; j += S.length()) {
      FloatVector e = VectorExp.exp(FloatVector.fromArray(S, x, j).sub(shift));
      e.intoArray(x, j);
      sum = sum.add(e);
    }
    sum.intoArray(lanes, 0);
  }

  /**
   * The gate over the first {@code blocks} floats (a multiple of 8) of each buffer (see
   * {@link ExpKernels#swiglu}): reads a and b, writes σ(a), silu(a) and the gate.
   */
  static void swiglu(ByteBuffer a, ByteBuffer b, ByteBuffer sig, ByteBuffer silu, ByteBuffer g, int blocks) {
    for (int j = 0; j < 4 * blocks; j += S.vectorByteSize()) {
      FloatVector av = FloatVector.fromByteBuffer(S, a, j, ORDER);
      FloatVector s = FloatVector.broadcast(S, 1f).div(VectorExp.exp(av.neg()).add(1f));
      s.intoByteBuffer(sig, j, ORDER);
      FloatVector u = av.mul(s);
      u.intoByteBuffer(silu, j, ORDER);
      u.mul(FloatVector.fromByteBuffer(S, b, j, ORDER)).intoByteBuffer(g, j, ORDER);
    }
  }

  /**
   * SwiGLU's way back over {@code rows} rows of {@code width} floats (a multiple of 8) from the start
   * of each buffer (see {@link RowKernels#swigluBackwardRows}): dh's rows are [da | db], 2·width.
   */
  static void swigluBackward(ByteBuffer dg, ByteBuffer silu, ByteBuffer sig, ByteBuffer b, ByteBuffer dh,
      int rows, int width) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (int r = 0; r < rows; r++) {
      int in = 4 * r * width;
      int out = 8 * r * width;
      for (int j = 0; j < 4 * width; j += S.vectorByteSize()) {
        FloatVector d = FloatVector.fromByteBuffer(S, dg, in + j, ORDER);
        FloatVector u = FloatVector.fromByteBuffer(S, silu, in + j, ORDER);
        FloatVector s = FloatVector.fromByteBuffer(S, sig, in + j, ORDER);
        d.mul(FloatVector.fromByteBuffer(S, b, in + j, ORDER)).mul(s.add(u.mul(one.sub(s))))
            .intoByteBuffer(dh, out + j, ORDER);
        d.mul(u).intoByteBuffer(dh, out + 4 * width + j, ORDER);
      }
    }
  }

  /** out ← x + y over the first {@code blocks} floats (a multiple of 8) of each buffer. */
  static void add(ByteBuffer x, ByteBuffer y, ByteBuffer out, int blocks) {
    for (int j = 0; j < 4 * blocks; j += S.vectorByteSize()) {
      FloatVector.fromByteBuffer(S, x, j, ORDER).add(FloatVector.fromByteBuffer(S, y, j, ORDER))
          .intoByteBuffer(out, j, ORDER);
    }
  }

  /**
   * RoPE on the row at x[b, b + 2·half) into y ({@link Rope}'s scalar loop on vectors, half a
   * multiple of 8): y[b + i] = x[b + i]·cs[o + i] + x[b + i + half]·sn[o + i + swapped] and
   * y[b + half + i] = x[b + half + i]·cs[o + half + i] + x[b + i]·sn[o + half + i − swapped].
   */
  static void rotateHalves(float[] x, float[] y, int b, float[] cs, float[] sn, int o, int half, int swapped) {
    for (int i = 0; i < half; i += S.length()) {
      FloatVector lo = FloatVector.fromArray(S, x, b + i);
      FloatVector hi = FloatVector.fromArray(S, x, b + i + half);
      lo.mul(FloatVector.fromArray(S, cs, o + i)).add(hi.mul(FloatVector.fromArray(S, sn, o + i + swapped)))
          .intoArray(y, b + i);
      hi.mul(FloatVector.fromArray(S, cs, o + i + half))
          .add(lo.mul(FloatVector.fromArray(S, sn, o + i + half - swapped))).intoArray(y, b + i + half);
    }
  }

  /** dst[j] = src[j] for j in [0, blocks), blocks a multiple of 8: float to double, exact. */
  static void widen(float[] src, double[] dst, int blocks) {
    for (int j = 0; j < blocks; j += S.length()) {
      ((DoubleVector) FloatVector.fromArray(S, src, j).convertShape(VectorOperators.F2D, D, 0)).intoArray(dst, j);
    }
  }

  /**
   * lanes[l] = Σ a[j + l]·b[j + l] over j in [0, blocks) step 8, in float64 (see {@link RowKernels#dot}).
   * A sum of squares (b == a) loads and converts once: the gradient norm's pass is bound by them.
   */
  static void dot(float[] a, float[] b, int blocks, double[] lanes) {
    DoubleVector sum = DoubleVector.zero(D);
    for (int j = 0; j < blocks; j += S.length()) {
      DoubleVector u = (DoubleVector) FloatVector.fromArray(S, a, j).convertShape(VectorOperators.F2D, D, 0);
      DoubleVector v = b == a ? u
          : (DoubleVector) FloatVector.fromArray(S, b, j).convertShape(VectorOperators.F2D, D, 0);
      sum = sum.add(u.mul(v));
    }
    sum.intoArray(lanes, 0);
  }
}
