package org.moespark.model;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * CBLAS GEMM on host ND4J buffers (the OpenBLAS ND4J's CPU backend bundles). Only touched on the
 * CPU backend ({@link Gemm}): its class initialisation loads the OpenBLAS natives.
 * {@code data().addressPointer()} already points at a view's first element.
 */
final class HostBlas {
  private HostBlas() {}

  /** 2-D with unit column stride and a row stride of at least its width: a CBLAS row-major matrix. */
  static boolean rowMajor(INDArray a) {
    return a.rank() == 2 && (a.stride(1) == 1 || a.columns() == 1) && ld(a) >= a.columns();
  }

  /** On row blocks of row-major matrices ({@link #rowMajor}): a block starts at its first row's address. */
  static void gemm(RowBlock a, RowBlock b, RowBlock c, boolean transA, boolean transB, double alpha,
      double beta) {
    long m = c.rows();
    long n = c.columns();
    long k = transA ? a.rows() : a.columns();
    // the message is built only on failure: shapeInfoToString costs ~1 µs, this runs per GEMM
    if ((transA ? a.columns() : a.rows()) != m || (transB ? b.columns() : b.rows()) != k
        || (transB ? b.rows() : b.columns()) != n) {
      throw new IllegalArgumentException(String.format(
          "gemm shapes do not match: op(a) %s rows [%s, %s), op(b) %s rows [%s, %s), c %s rows [%s, %s)",
          a.matrix().shapeInfoToString(), a.from(), a.to(), b.matrix().shapeInfoToString(), b.from(), b.to(),
          c.matrix().shapeInfoToString(), c.from(), c.to()));
    }
    if (m == 0 || n == 0) {
      return;
    }
    int ta = transA ? CblasTrans : CblasNoTrans;
    int tb = transB ? CblasTrans : CblasNoTrans;
    long t0 = GemmClock.tick();
    if (c.matrix().dataType() == DataType.FLOAT) {
      cblas_sgemm(CblasRowMajor, ta, tb, (int) m, (int) n, (int) k, (float) alpha, floats(a), (int) ld(a.matrix()),
          floats(b), (int) ld(b.matrix()), (float) beta, floats(c), (int) ld(c.matrix()));
    } else {
      cblas_dgemm(CblasRowMajor, ta, tb, (int) m, (int) n, (int) k, alpha, doubles(a), (int) ld(a.matrix()),
          doubles(b), (int) ld(b.matrix()), beta, doubles(c), (int) ld(c.matrix()));
    }
    GemmClock.add(t0, (double) m * n * k);
  }

  private static FloatPointer floats(RowBlock x) {
    return new FloatPointer(x.matrix().data().addressPointer()).position(x.from() * ld(x.matrix()));
  }

  private static DoublePointer doubles(RowBlock x) {
    return new DoublePointer(x.matrix().data().addressPointer()).position(x.from() * ld(x.matrix()));
  }

  /**
   * {@code out[g] = op(a[g])·op(b[g])} for each matrix g of contiguous 3-D c-order arrays: one
   * CBLAS call per matrix at a pointer offset, no views.
   */
  static void batchedGemm(INDArray a, INDArray b, INDArray out, boolean transA, boolean transB) {
    long groups = out.size(0);
    int m = (int) out.size(1);
    int n = (int) out.size(2);
    int k = (int) (transA ? a.size(1) : a.size(2));
    if (a.size(0) != groups || b.size(0) != groups || (transA ? a.size(2) : a.size(1)) != m
        || (transB ? b.size(2) : b.size(1)) != k || (transB ? b.size(1) : b.size(2)) != n) {
      throw new IllegalArgumentException(String.format("batched gemm shapes do not match: op(a) %s, op(b) %s, out %s",
          a.shapeInfoToString(), b.shapeInfoToString(), out.shapeInfoToString()));
    }
    int ta = transA ? CblasTrans : CblasNoTrans;
    int tb = transB ? CblasTrans : CblasNoTrans;
    int lda = (int) a.size(2);
    int ldb = (int) b.size(2);
    long sa = a.size(1) * a.size(2);
    long sb = b.size(1) * b.size(2);
    long so = (long) m * n;
    long t0 = GemmClock.tick();
    if (out.dataType() == DataType.FLOAT) {
      FloatPointer pa = new FloatPointer(a.data().addressPointer());
      FloatPointer pb = new FloatPointer(b.data().addressPointer());
      FloatPointer po = new FloatPointer(out.data().addressPointer());
      for (long g = 0; g < groups; g++) {
        cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1f, pa.position(g * sa), lda, pb.position(g * sb), ldb,
            0f, po.position(g * so), n);
      }
    } else {
      DoublePointer pa = new DoublePointer(a.data().addressPointer());
      DoublePointer pb = new DoublePointer(b.data().addressPointer());
      DoublePointer po = new DoublePointer(out.data().addressPointer());
      for (long g = 0; g < groups; g++) {
        cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, pa.position(g * sa), lda, pb.position(g * sb), ldb,
            0.0, po.position(g * so), n);
      }
    }
    GemmClock.add(t0, (double) groups * m * n * k);
  }

  private static long ld(INDArray a) {
    return a.rows() == 1 ? Math.max(1, a.columns()) : a.stride(0);
  }
}
