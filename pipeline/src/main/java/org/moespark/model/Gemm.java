package org.moespark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code c = alpha·op(a)·op(b) + beta·c} with {@link Nd4j#gemm}'s contract. On the CPU backend,
 * for float32/float64 row-major operands (views with a row stride included, or {@link RowBlock}s of
 * them), it calls CBLAS directly ({@link HostBlas}): {@code Nd4j.gemm} goes through the custom-op
 * machinery, which costs 2-4× the GEMM itself on the small per-expert and per-head blocks of an
 * MoE step (32×128×512: ~650 vs ~300 µs, measured here). Everything else (the CUDA backend, other
 * layouts) takes {@code Nd4j.gemm}, the twin the tests compare against.
 */
public final class Gemm {
  /** The CPU backend: host buffers that CBLAS can read and write. */
  static final boolean HOST = Nd4j.getEnvironment().isCPU();

  private Gemm() {}

  public static void exec(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB,
      double alpha, double beta) {
    exec(RowBlock.of(a), RowBlock.of(b), RowBlock.of(c), transA, transB, alpha, beta);
  }

  /** The same over row blocks of matrices (a grouped GEMM's per-expert blocks). */
  public static void exec(RowBlock a, RowBlock b, RowBlock c, boolean transA, boolean transB,
      double alpha, double beta) {
    if (HOST && direct(a.matrix(), b.matrix(), c.matrix())) {
      HostBlas.gemm(a, b, c, transA, transB, alpha, beta);
    } else {
      Nd4j.gemm(a.view(), b.view(), c.view(), transA, transB, alpha, beta);
    }
  }

  private static boolean direct(INDArray a, INDArray b, INDArray c) {
    DataType t = c.dataType();
    return (t == DataType.FLOAT || t == DataType.DOUBLE) && a.dataType() == t && b.dataType() == t
        && HostBlas.rowMajor(a) && HostBlas.rowMajor(b) && HostBlas.rowMajor(c);
  }
}
