package org.moespark.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Token embedding: {@code out[n] = wte[tokens[n]]}, wte [V, C]; backward scatter-adds rows into dwte. */
final class Embedding {
  private final INDArray wte;
  private final INDArray wteGrad;
  private int[] tokens;
  private INDArray out;

  Embedding(INDArray wte, INDArray wteGrad) {
    this.wte = wte;
    this.wteGrad = wteGrad;
  }

  /** tokens [N] → [N, C]; the result is this module's buffer, valid until the next forward. */
  INDArray forward(int[] tokens) {
    this.tokens = tokens;
    out = Buffers.ensure(out, wte.dataType(), tokens.length, wte.size(1));
    HostRows.gather(wte, tokens, tokens.length, out);
    return out;
  }

  /** dout [N, C]: accumulates into dwte (no input gradient: tokens are discrete). */
  void backward(INDArray dout) {
    HostRows.scatterAdd(wteGrad, tokens, dout);
  }
}
