package org.moespark.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The float32 host kernels of a step that Java's auto-vectoriser cannot vectorise (JDK 17): the
 * exp-bound ones, the LM head's and causal attention's softmax and SwiGLU's gate (ND4J's ops spend
 * most of their time in exp, 2.4-3.4 ns/element on 2 cores), and the conversions to float64 of the
 * row loops and the gradient norm ({@link #widen}, {@link #sumSquares(float[], int)}). With
 * {@code jdk.incubator.vector} in the JVM ({@code --add-modules jdk.incubator.vector}: the launcher
 * and the tests add it, executors get it from {@code Sessions}) they run on 8-lane vectors
 * ({@link VectorRowKernels}); without it, on this class's scalar twin, which does the same IEEE
 * operations in the same order (the lanes' partial sums included), so both give the same bits
 * (tested) and a JVM without the module only runs slower. The exp-bound row kernels themselves
 * (softmax of a row, SwiGLU's gate, e^x) are in {@link ExpKernels}; the drivers here run them.
 */
public final class RowKernels {
  /**
   * The vector kernels run: the JVM has the module and the CPU 8-lane float vectors (AVX2, AVX-512).
   * Where it has narrower ones (NEON, SSE), C2 does not compile 8-lane vectors and the API's boxed
   * fallbacks ran far slower than the twin (5 s for {@link #warmUp} alone at -XX:MaxVectorSize=16).
   */
  public static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
      && VectorRowKernels.nativeLanes();
  /** Lanes of the vector kernels and of the twin's partial sums. */
  static final int LANES = 8;
  /** Conversions on vectors ({@link #widen}). */
  static final boolean WIDE = VECTOR && VectorRowKernels.WIDE;

  /** Calls of each kernel in {@link #warmUp}: C2 compiles a method after some 5,000 calls or loop turns. */
  private static final int WARM_UP_CALLS = 30_000;
  /** {@link #warmUp}'s time limit. */
  private static final long WARM_UP_NANOS = 4_000_000_000L;

  static {
    if (VECTOR) {
      warmUp();
    }
  }

  private RowKernels() {}

  /**
   * Runs the exp-bound kernels on vectors (softmax with its max, SwiGLU's gate) on a small row until
   * C2 has compiled them, before any other vector code of the JVM runs: this class's initialisation,
   * which every vector kernel's caller passes first. Compiled after other vector kernels had run, C2
   * on JDK 17.0.15 failed some of their Vector API intrinsics (-XX:+PrintIntrinsics: "missing
   * constant" for the operator or the vector class) and compiled them onto the API's boxed fallbacks,
   * which allocate per vector: in a training JVM on the demo model the LM head's softmax over
   * [1024, 2048] took 7-15 ms instead of 2.2-2.5 and SwiGLU's gate over the same size 15-20 ms
   * instead of 5, in most runs but not all (it depends on the order of compilation). Compiled
   * first, they stayed fast, as long as that code is kept: the kernels live in {@link ExpKernels},
   * not here, for that reason (see there). Costs some 1.3 s once per JVM on 2 cores; stops after
   * {@link #WARM_UP_NANOS} where C2 is not there to compile (-XX:TieredStopAtLevel=1 took 21 s).
   */
  private static void warmUp() {
    long end = System.nanoTime() + WARM_UP_NANOS;
    int width = 256;
    ByteBuffer[] rows = new ByteBuffer[5];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = ByteBuffer.allocateDirect(4 * width).order(ByteOrder.nativeOrder());
    }
    // the gate only reads its inputs a and b: filled once; softmax works in place on x: refilled per call
    for (int j = 0; j < width; j++) {
      rows[0].putFloat(4 * j, (j % 17) * 0.1f);
      rows[1].putFloat(4 * j, 1f);
    }
    float[] x = new float[width];
    float[] lanes = new float[LANES];
    for (int call = 0; call < WARM_UP_CALLS && System.nanoTime() < end; call++) {
      for (int j = 0; j < width; j++) {
        x[j] = (j % 17) * 0.1f;
      }
      ExpKernels.softmax(x, width - call % 9, lanes, true);
      ExpKernels.swiglu(rows[0], rows[1], rows[2], rows[3], rows[4], width);
    }
  }

  /**
   * Softmax over each row of a float32 [R, W] array in place; rows split over the cores. Causal
   * rows are attention's [G·T, T]: row r covers columns [0, r mod T] and its other columns become 0.
   */
  static void softmaxRows(INDArray rows, boolean causal) {
    softmaxRows(rows, causal, VECTOR);
  }

  /** {@link #softmaxRows(INDArray, boolean)} on vectors or on the twin. */
  static void softmaxRows(INDArray rows, boolean causal, boolean vector) {
    check(rows);
    int width = (int) rows.columns();
    RowRanges.forEach((int) rows.rows(), width, (from, to) -> {
      FloatBuffer buf = rows.data().asNioFloat();
      float[] x = new float[width];
      float[] lanes = new float[LANES];
      for (int r = from; r < to; r++) {
        int at = (int) rows.offset() + r * width;
        int n = causal ? r % width + 1 : width;
        buf.get(at, x);
        ExpKernels.softmax(x, n, lanes, vector);
        java.util.Arrays.fill(x, n, width, 0);
        buf.put(at, x);
      }
    });
  }

  /**
   * SwiGLU's gate on rows [0, m) of float32 [R, F] arrays: σ = 1/(1 + e^−a), silu = a·σ, g = silu·b.
   */
  static void swigluRows(INDArray a, INDArray b, INDArray sig, INDArray silu, INDArray g, int m) {
    swigluRows(a, b, sig, silu, g, m, VECTOR);
  }

  /** {@link #swigluRows(INDArray, INDArray, INDArray, INDArray, INDArray, int)} on vectors or on the twin. */
  static void swigluRows(INDArray a, INDArray b, INDArray sig, INDArray silu, INDArray g, int m, boolean vector) {
    INDArray[] arrays = {a, b, sig, silu, g};
    for (INDArray x : arrays) {
      check(x);
    }
    int width = (int) a.columns();
    RowRanges.forEach(m, width, (from, to) -> {
      if (vector) {
        ByteBuffer[] x = bytes(arrays, from, to);
        ExpKernels.swiglu(x[0], x[1], x[2], x[3], x[4], (to - from) * width);
        return;
      }
      FloatBuffer[] bufs = {a.data().asNioFloat(), b.data().asNioFloat(), sig.data().asNioFloat(),
          silu.data().asNioFloat(), g.data().asNioFloat()};
      float[] ar = new float[width];
      float[] br = new float[width];
      float[] sr = new float[width];
      for (int r = from; r < to; r++) {
        bufs[0].get((int) a.offset() + r * width, ar);
        bufs[1].get((int) b.offset() + r * width, br);
        ExpKernels.swiglu(ar, br, sr);
        bufs[2].put((int) sig.offset() + r * width, sr);
        bufs[3].put((int) silu.offset() + r * width, ar);
        bufs[4].put((int) g.offset() + r * width, br);
      }
    });
  }

  /**
   * SwiGLU's way back on rows [0, m) of float32 [R, F] arrays: db = dg·silu, da = dg·b·silu', with
   * silu' = σ + silu·(1 − σ) from the kept σ and silu (no exp); dh [R, 2F] gets the rows [da | db].
   * On vectors where F is a multiple of 8, else on the twin, which Java vectorises.
   */
  static void swigluBackwardRows(INDArray dg, INDArray silu, INDArray sig, INDArray b, INDArray dh, int m,
      boolean vector) {
    INDArray[] arrays = {dg, silu, sig, b, dh};
    for (INDArray x : arrays) {
      check(x);
    }
    int width = (int) dg.columns();
    RowRanges.forEach(m, width, (from, to) -> {
      if (vector && width % LANES == 0) {
        ByteBuffer[] x = bytes(arrays, from, to);
        VectorRowKernels.swigluBackward(x[0], x[1], x[2], x[3], x[4], to - from, width);
        return;
      }
      RowAccess dgRows = RowAccess.of(dg);
      RowAccess siluRows = RowAccess.of(silu);
      RowAccess sigRows = RowAccess.of(sig);
      RowAccess bRows = RowAccess.of(b);
      RowAccess dhRows = RowAccess.of(dh);
      float[] d = new float[width];
      float[] u = new float[width];
      float[] sg = new float[width];
      float[] br = new float[width];
      float[] dhr = new float[2 * width];
      for (int r = from; r < to; r++) {
        dgRows.get(r, d);
        siluRows.get(r, u);
        sigRows.get(r, sg);
        bRows.get(r, br);
        // in place, then into dh's row: stores at dhr[width + j] kept Java from vectorising (2.6x slower)
        for (int j = 0; j < width; j++) {
          br[j] = d[j] * br[j] * (sg[j] + u[j] * (1 - sg[j]));
          u[j] = d[j] * u[j];
        }
        System.arraycopy(br, 0, dhr, 0, width);
        System.arraycopy(u, 0, dhr, width, width);
        dhRows.put(r, dhr);
      }
    });
  }

  /** {@link #bytes(INDArray, int, int)} of each array. */
  private static ByteBuffer[] bytes(INDArray[] arrays, int from, int to) {
    ByteBuffer[] out = new ByteBuffer[arrays.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes(arrays[i], from, to);
    }
    return out;
  }

  /** Native-order bytes of rows [from, to) of a contiguous float32 [R, W] array (a view included). */
  static ByteBuffer bytes(INDArray a, int from, int to) {
    int width = (int) a.columns();
    long first = 4 * (a.offset() + (long) from * width);
    long last = 4 * (a.offset() + (long) to * width);
    ByteBuffer all = a.data().asNio();
    if (last > all.capacity() || last > Integer.MAX_VALUE) {
      // the message only on failure: shapeInfoToString costs ~1 µs, and this runs per range and array
      throw new IllegalArgumentException(String.format("rows [%s, %s) of %s lie past the buffer or past 2 GiB",
          from, to, a.shapeInfoToString()));
    }
    return all.duplicate().clear().position((int) first).limit((int) last).slice().order(ByteOrder.nativeOrder());
  }

  /**
   * dst[0, n) = src[0, n) as float64, 8 lanes at a time where the JVM has vectors and the CPU 512-bit
   * registers: Java's auto-vectoriser does not convert (JDK 17), and the scalar loop cost 0.3 ns per
   * element. (4-lane conversions put a second float shape into the kernels' vector call sites, and
   * on JDK 17 that made their stores fall back to scalar code: the whole step ran 5% slower. The
   * way back, double to float, stays scalar: its vector form fell back to scalar stores where
   * inlined into the row loops and cost more than the plain cast.)
   */
  static void widen(float[] src, double[] dst, int n) {
    int blocks = WIDE ? n - n % LANES : 0;
    if (WIDE) {
      VectorRowKernels.widen(src, dst, blocks);
    }
    for (int j = blocks; j < n; j++) {
      dst[j] = src[j];
    }
  }

  /**
   * Σ x[j]² over [0, n) in float64 (each square exact), as {@link #LANES} partial sums, lane l over
   * j ≡ l (mod 8) in order, then the lanes in order and the tail: on 8-lane vectors where the JVM
   * has them and the CPU 512-bit registers ({@link #widen}), else on this scalar twin, the same bits.
   * The gradient norm's pass: the scalar loop with its conversions ran at a third of memory speed.
   */
  public static double sumSquares(float[] x, int n) {
    return sumSquares(x, n, WIDE);
  }

  /** {@link #sumSquares(float[], int)} on vectors or on the twin. */
  static double sumSquares(float[] x, int n, boolean vector) {
    return dot(x, x, n, vector);
  }

  /** Σ a[j]·b[j] over [0, n) in float64, each product exact, in {@link #sumSquares}'s order and lanes. */
  public static double dot(float[] a, float[] b, int n) {
    return dot(a, b, n, WIDE);
  }

  static double dot(float[] a, float[] b, int n, boolean vector) {
    int blocks = n - n % LANES;
    double[] lanes = new double[LANES];
    if (vector) {
      VectorRowKernels.dot(a, b, blocks, lanes);
    } else {
      for (int j = 0; j < blocks; j += LANES) {
        for (int l = 0; l < LANES; l++) {
          lanes[l] += (double) a[j + l] * b[j + l];
        }
      }
    }
    double sum = 0;
    for (double lane : lanes) {
      sum += lane;
    }
    for (int j = blocks; j < n; j++) {
      sum += (double) a[j] * b[j];
    }
    return sum;
  }

  private static void check(INDArray x) {
    if (x.dataType() != DataType.FLOAT || x.ordering() != 'c' || x.rank() != 2
        || (x.rows() > 1 && x.stride(0) != x.columns()) || x.stride(1) != 1) {
      throw new IllegalArgumentException("row kernels need contiguous float32 rows, got " + x.shapeInfoToString());
    }
  }
}
