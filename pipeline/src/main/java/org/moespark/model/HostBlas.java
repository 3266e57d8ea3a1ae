package org.moespark.model;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * CBLAS GEMM on host ND4J buffers (the OpenBLAS ND4J's CPU backend bundles). Only touched on the
 * CPU backend ({@link Gemm}): its class initialisation loads the OpenBLAS natives.
 * {@code data().addressPointer()} already points at a view's first element.
 *
 * <p>After {@link #splitOverCores}, OpenBLAS runs on one thread, in the caller, and the cores
 * share a GEMM here: its output rows (or a batch's matrices, or a narrow output's columns,
 * {@link #byColumns}) split into ranges that run at once ({@link RowRanges}), one single-threaded
 * CBLAS call each. OpenBLAS's own threads did worse on the
 * shapes of an MoE step (2 cores, AVX-512, GFLOP/s, best of 30: attention's 64×[256,64,256] 67-99
 * vs 117-141 split here, an expert's 8×[1024,256,512] 94-175 vs 153-184, the demo's
 * 8×[256,128,256] 74-164 vs 178-184, the LM head [4096,256,8192] 173-194 vs 193-199). The setting is
 * the process's and cannot follow each call (a change of OpenBLAS's thread count costs 0.7-1.5 ms),
 * so whoever owns the model chooses: {@code MoeTransformer} does; a DL4J network, whose own layers'
 * GEMMs go to OpenBLAS through ND4J, keeps OpenBLAS's threads and these calls whole.
 */
final class HostBlas {
  /** m·n·k per range at least: below it a range's hand-off (~10 µs) outweighs its share. */
  static final double MIN_MNK = 1 << 20;
  /** Output rows from which a call splits into row ranges whatever its width ({@link #byColumns}). */
  static final long MIN_ROW_SPLIT = 1024;

  private static volatile boolean split;

  private HostBlas() {}

  /** From now on, for the whole process: OpenBLAS on one thread and the GEMMs split here. */
  static synchronized void splitOverCores() {
    if (!split) {
      org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(1);
      split = true;
    }
  }

  /** 2-D with unit column stride and a row stride of at least its width: a CBLAS row-major matrix. */
  static boolean rowMajor(INDArray a) {
    return a.rank() == 2 && (a.stride(1) == 1 || a.columns() == 1) && ld(a) >= a.columns();
  }

  /**
   * Independent GEMMs on row blocks of row-major matrices ({@link #rowMajor}; a block starts at its
   * first row's address), their output rows (or columns, {@link #byColumns}) split into ranges of
   * equal work (m·n·k) that run at once.
   */
  static void gemms(List<Gemm.Call> calls) {
    double work = 0;
    for (Gemm.Call c : calls) {
      work += (double) c.m() * c.n() * c.k();
    }
    gemms(calls, parts(RowRanges.CORES, work));
  }

  /**
   * The same in {@code parts} ranges: range p holds the output rows (or columns) whose work lies in
   * [W·p/parts, W·(p+1)/parts) of the calls' total W, cut at whole rows (columns), so a call may span
   * ranges and a range calls.
   */
  static void gemms(List<Gemm.Call> calls, int parts) {
    int count = calls.size();
    // work in rows·n·max(k, 1): a k = 0 call (beta·c only) still has rows to cover
    double[] before = new double[count + 1];
    double mnk = 0;
    for (int i = 0; i < count; i++) {
      Gemm.Call c = calls.get(i);
      before[i + 1] = before[i] + (double) c.m() * c.n() * Math.max(1, c.k());
      mnk += (double) c.m() * c.n() * c.k();
    }
    long t0 = GemmClock.tick();
    if (parts <= 1) {
      for (Gemm.Call c : calls) {
        block(c, 0, c.m(), 0, c.n());
      }
    } else {
      RowRanges.inParts(parts, parts, (p, next) -> {
        double from = before[count] * p / parts;
        double to = before[count] * next / parts;
        for (int i = 0; i < count; i++) {
          Gemm.Call c = calls.get(i);
          boolean columns = byColumns(c);
          long u0 = cut(c, columns, before[i], from);
          long u1 = cut(c, columns, before[i], to);
          if (u1 > u0) {
            if (columns) {
              block(c, 0, c.m(), u0, u1);
            } else {
              block(c, u0, u1, 0, c.n());
            }
          }
        }
      });
    }
    GemmClock.add(t0, mnk);
  }

  /** Ranges for {@code mnk} of work: 1 (a whole call, OpenBLAS's threads) until {@link #splitOverCores}. */
  private static int parts(int most, double mnk) {
    return split ? (int) Math.min(most, mnk / MIN_MNK) : 1;
  }

  /**
   * A call with fewer than {@link #MIN_ROW_SPLIT} output rows and more columns than rows splits its
   * columns instead: a weight gradient's [C, 3C] or [C, F] output cut into rows leaves each core
   * 64-128 rows, on which OpenBLAS's kernels ran slower than on the column halves (2 cores, in-JVM
   * alternation, best of 40: [256, 768, 4096] 132 → 147 GFLOP/s, [256, 1024, 1100] 125 → 142,
   * the demo's [128, 384, 1024] 87 → 118 and [128, 512, 270] 72 → 108). The LM head's [4096, 8192]
   * output ran as fast or faster in rows. Every element is the same dot product either way: the
   * bits do not change.
   */
  static boolean byColumns(Gemm.Call c) {
    return c.n() > c.m() && c.m() < MIN_ROW_SPLIT;
  }

  /**
   * The first of a call's rows (or its columns, where it splits by {@code columns}) whose work starts
   * at or after {@code w}, its work starting at {@code before}.
   */
  private static long cut(Gemm.Call c, boolean columns, double before, double w) {
    long units = columns ? c.n() : c.m();
    double perUnit = (double) (columns ? c.m() : c.n()) * Math.max(1, c.k());
    return perUnit == 0 ? 0 : Math.max(0, Math.min(units, (long) Math.ceil((w - before) / perUnit)));
  }

  /**
   * Output rows [r0, r1) × columns [c0, c1) of the GEMM: rows of op(a), which are columns of a when it
   * is transposed, and columns of op(b), which are rows of b when it is transposed.
   */
  private static void block(Gemm.Call call, long r0, long r1, long c0, long c1) {
    int m = (int) (r1 - r0);
    int n = (int) (c1 - c0);
    int k = (int) call.k();
    if (m == 0 || n == 0) {
      return;
    }
    RowBlock a = call.a();
    RowBlock b = call.b();
    RowBlock c = call.c();
    int ta = call.transA() ? CblasTrans : CblasNoTrans;
    int tb = call.transB() ? CblasTrans : CblasNoTrans;
    long aAt = call.transA() ? r0 : r0 * ld(a.matrix());
    long bAt = call.transB() ? c0 * ld(b.matrix()) : c0;
    long cAt = r0 * ld(c.matrix()) + c0;
    if (c.matrix().dataType() == DataType.FLOAT) {
      cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, (float) call.alpha(), floats(a, aAt), (int) ld(a.matrix()),
          floats(b, bAt), (int) ld(b.matrix()), (float) call.beta(), floats(c, cAt), (int) ld(c.matrix()));
    } else {
      cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, call.alpha(), doubles(a, aAt), (int) ld(a.matrix()),
          doubles(b, bAt), (int) ld(b.matrix()), call.beta(), doubles(c, cAt), (int) ld(c.matrix()));
    }
  }

  /** The block's first element, {@code at} elements on. */
  private static FloatPointer floats(RowBlock x, long at) {
    return new FloatPointer(x.matrix().data().addressPointer()).position(x.from() * ld(x.matrix()) + at);
  }

  private static DoublePointer doubles(RowBlock x, long at) {
    return new DoublePointer(x.matrix().data().addressPointer()).position(x.from() * ld(x.matrix()) + at);
  }

  /**
   * {@code out[g] = op(a[g])·op(b[g])} for each matrix g of contiguous 3-D c-order arrays: one
   * CBLAS call per matrix at a pointer offset, no views; the matrices split over the cores.
   */
  static void batchedGemm(INDArray a, INDArray b, INDArray out, boolean transA, boolean transB) {
    double mnk = (double) out.length() * (transA ? a.size(1) : a.size(2));
    batchedGemm(a, b, out, transA, transB, parts((int) Math.min(RowRanges.CORES, out.size(0)), mnk));
  }

  /** The same in {@code parts} ranges of matrices. */
  static void batchedGemm(INDArray a, INDArray b, INDArray out, boolean transA, boolean transB, int parts) {
    int m = (int) out.size(1);
    int n = (int) out.size(2);
    int k = (int) (transA ? a.size(1) : a.size(2));
    if (a.size(0) != out.size(0) || b.size(0) != out.size(0) || (transA ? a.size(2) : a.size(1)) != m
        || (transB ? b.size(2) : b.size(1)) != k || (transB ? b.size(1) : b.size(2)) != n) {
      throw new IllegalArgumentException(String.format("batched gemm shapes do not match: op(a) %s, op(b) %s, out %s",
          a.shapeInfoToString(), b.shapeInfoToString(), out.shapeInfoToString()));
    }
    Sub whole = new Sub(m, n, k, 0, 0, 0);
    batchedGemm(a, b, out, transA, transB, List.of(whole), whole.work(), parts);
  }

  /**
   * One GEMM inside every matrix of a batch: op(a)'s m×k block starting {@code a} elements into its
   * matrix, op(b)'s k×n block at {@code b}, out's m×n block at {@code c}; each array's row stride is
   * its width.
   */
  record Sub(int m, int n, int k, long a, long b, long c) {
    double work() {
      return (double) m * n * k;
    }
  }

  /**
   * The {@code subs} GEMMs in each matrix g of contiguous 3-D c-order arrays, the matrices split over
   * the cores: causal attention's products over the causal blocks only ({@link CausalMatmul}).
   */
  static void batchedGemm(INDArray a, INDArray b, INDArray out, boolean transA, boolean transB, List<Sub> subs) {
    double mnk = 0;
    for (Sub s : subs) {
      // CBLAS would write outside the arrays: refuse before the call
      if (a.size(0) != out.size(0) || b.size(0) != out.size(0) || !inside(a, s.a(), transA ? s.k() : s.m(),
          transA ? s.m() : s.k()) || !inside(b, s.b(), transB ? s.n() : s.k(), transB ? s.k() : s.n())
          || !inside(out, s.c(), s.m(), s.n())) {
        throw new IllegalArgumentException(String.format("batched gemm block %s (transA=%s, transB=%s) lies outside"
            + " a %s, b %s or out %s", s, transA, transB, a.shapeInfoToString(), b.shapeInfoToString(),
            out.shapeInfoToString()));
      }
      mnk += s.work();
    }
    batchedGemm(a, b, out, transA, transB, subs, mnk, parts((int) Math.min(RowRanges.CORES, out.size(0)),
        mnk * out.size(0)));
  }

  /** The subs ({@code mnk} their work per matrix) in {@code parts} ranges of matrices. */
  private static void batchedGemm(INDArray a, INDArray b, INDArray out, boolean transA, boolean transB,
      List<Sub> subs, double mnk, int parts) {
    long groups = out.size(0);
    int ta = transA ? CblasTrans : CblasNoTrans;
    int tb = transB ? CblasTrans : CblasNoTrans;
    int lda = (int) a.size(2);
    int ldb = (int) b.size(2);
    int ldc = (int) out.size(2);
    long sa = a.size(1) * a.size(2);
    long sb = b.size(1) * b.size(2);
    long so = out.size(1) * out.size(2);
    long t0 = GemmClock.tick();
    RowRanges.inParts(parts, (int) groups, (from, to) -> {
      if (out.dataType() == DataType.FLOAT) {
        FloatPointer pa = new FloatPointer(a.data().addressPointer());
        FloatPointer pb = new FloatPointer(b.data().addressPointer());
        FloatPointer po = new FloatPointer(out.data().addressPointer());
        for (long g = from; g < to; g++) {
          for (Sub s : subs) {
            cblas_sgemm(CblasRowMajor, ta, tb, s.m(), s.n(), s.k(), 1f, pa.position(g * sa + s.a()), lda,
                pb.position(g * sb + s.b()), ldb, 0f, po.position(g * so + s.c()), ldc);
          }
        }
      } else {
        DoublePointer pa = new DoublePointer(a.data().addressPointer());
        DoublePointer pb = new DoublePointer(b.data().addressPointer());
        DoublePointer po = new DoublePointer(out.data().addressPointer());
        for (long g = from; g < to; g++) {
          for (Sub s : subs) {
            cblas_dgemm(CblasRowMajor, ta, tb, s.m(), s.n(), s.k(), 1.0, pa.position(g * sa + s.a()), lda,
                pb.position(g * sb + s.b()), ldb, 0.0, po.position(g * so + s.c()), ldc);
          }
        }
      }
    });
    GemmClock.add(t0, groups * mnk);
  }

  /** A rows×cols block starting {@code at} elements into a matrix of the 3-D array x lies inside it. */
  private static boolean inside(INDArray x, long at, int rows, int cols) {
    long width = x.size(2);
    return at >= 0 && rows >= 0 && cols >= 0 && at % width + cols <= width && at / width + rows <= x.size(1);
  }

  private static long ld(INDArray a) {
    return a.rows() == 1 ? Math.max(1, a.columns()) : a.stride(0);
  }
}
