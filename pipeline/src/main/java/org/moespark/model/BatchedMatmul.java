package org.moespark.model;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code out[g] = op(a[g]) · op(b[g])} over the leading batch dimension. On the CPU backend, for
 * contiguous float32/float64 operands, one CBLAS call per matrix ({@link HostBlas#batchedGemm});
 * otherwise ND4J's batched {@code matmul} op (DESIGN §6), the twin the tests compare against.
 */
final class BatchedMatmul {
  private BatchedMatmul() {}

  static void exec(INDArray a, INDArray b, INDArray out, boolean transA, boolean transB) {
    if (Gemm.HOST && contiguous(out.dataType(), a, b, out)) {
      HostBlas.batchedGemm(a, b, out, transA, transB);
    } else {
      matmulOp(a, b, out, transA, transB);
    }
  }

  /**
   * Only the {@code subs} blocks of each matrix on the host path; elsewhere the whole product, which
   * holds the same values there: for callers that read nothing outside the blocks.
   */
  static void exec(INDArray a, INDArray b, INDArray out, boolean transA, boolean transB, List<HostBlas.Sub> subs) {
    if (Gemm.HOST && contiguous(out.dataType(), a, b, out)) {
      HostBlas.batchedGemm(a, b, out, transA, transB, subs);
    } else {
      matmulOp(a, b, out, transA, transB);
    }
  }

  private static void matmulOp(INDArray a, INDArray b, INDArray out, boolean transA, boolean transB) {
    Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(a, b).addOutputs(out)
        .addIntegerArguments(transA ? 1 : 0, transB ? 1 : 0).build());
  }

  private static boolean contiguous(DataType type, INDArray... arrays) {
    if (type != DataType.FLOAT && type != DataType.DOUBLE) {
      return false;
    }
    for (INDArray x : arrays) {
      if (x.rank() != 3 || x.dataType() != type || x.ordering() != 'c' || x.stride(2) != 1
          || x.stride(1) != x.size(2) || x.stride(0) != x.size(1) * x.size(2)) {
        return false;
      }
    }
    return true;
  }
}
