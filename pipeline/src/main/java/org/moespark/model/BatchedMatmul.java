package org.moespark.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** {@code out[g] = op(a[g]) · op(b[g])} over the leading batch dimension, one batched-GEMM op (DESIGN §6). */
final class BatchedMatmul {
  private BatchedMatmul() {}

  static void exec(INDArray a, INDArray b, INDArray out, boolean transA, boolean transB) {
    Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(a, b).addOutputs(out)
        .addIntegerArguments(transA ? 1 : 0, transB ? 1 : 0).build());
  }
}
