package org.moespark.model;

import java.util.List;
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

  /**
   * On the CPU backend, from now on and for the whole process: OpenBLAS on one thread and every
   * GEMM here split over the cores ({@link HostBlas}); a no-op elsewhere.
   */
  public static void splitOverCores() {
    if (HOST) {
      HostBlas.splitOverCores();
    }
  }

  public static void exec(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB,
      double alpha, double beta) {
    exec(RowBlock.of(a), RowBlock.of(b), RowBlock.of(c), transA, transB, alpha, beta);
  }

  /** The same over row blocks of matrices (a grouped GEMM's per-expert blocks). */
  public static void exec(RowBlock a, RowBlock b, RowBlock c, boolean transA, boolean transB,
      double alpha, double beta) {
    exec(List.of(new Call(a, b, c, transA, transB, alpha, beta)));
  }

  /**
   * Independent GEMMs (no call reads another's output), run as one: on the CPU backend their output
   * rows share the cores by work ({@link HostBlas#gemms}), so that 64 experts' small GEMMs keep
   * every core busy as one large GEMM does.
   */
  public static void exec(List<Call> calls) {
    boolean direct = HOST;
    for (Call c : calls) {
      direct &= direct(c.a().matrix(), c.b().matrix(), c.c().matrix());
    }
    if (direct) {
      HostBlas.gemms(calls);
    } else {
      for (Call c : calls) {
        Nd4j.gemm(c.a().view(), c.b().view(), c.c().view(), c.transA(), c.transB(), c.alpha(), c.beta());
      }
    }
  }

  /** A call on whole matrices, for {@link #exec(List)}. */
  public static Call call(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha,
      double beta) {
    return new Call(RowBlock.of(a), RowBlock.of(b), RowBlock.of(c), transA, transB, alpha, beta);
  }

  /** {@code c = alpha·op(a)·op(b) + beta·c} on row blocks. */
  public record Call(RowBlock a, RowBlock b, RowBlock c, boolean transA, boolean transB, double alpha,
      double beta) {
    public Call {
      long k = transA ? a.rows() : a.columns();
      // the message is built only on failure: shapeInfoToString costs ~1 µs, and calls are made per GEMM
      if ((transA ? a.columns() : a.rows()) != c.rows() || (transB ? b.columns() : b.rows()) != k
          || (transB ? b.rows() : b.columns()) != c.columns()) {
        throw new IllegalArgumentException(String.format(
            "gemm shapes do not match: op(a) %s rows [%s, %s), op(b) %s rows [%s, %s), c %s rows [%s, %s)",
            a.matrix().shapeInfoToString(), a.from(), a.to(), b.matrix().shapeInfoToString(), b.from(), b.to(),
            c.matrix().shapeInfoToString(), c.from(), c.to()));
      }
    }

    /** Rows of op(a), the output's. */
    long m() {
      return c.rows();
    }

    long n() {
      return c.columns();
    }

    /** The inner dimension. */
    long k() {
      return transA ? a.rows() : a.columns();
    }
  }

  private static boolean direct(INDArray a, INDArray b, INDArray c) {
    DataType t = c.dataType();
    return (t == DataType.FLOAT || t == DataType.DOUBLE) && a.dataType() == t && b.dataType() == t
        && HostBlas.rowMajor(a) && HostBlas.rowMajor(b) && HostBlas.rowMajor(c);
  }
}
