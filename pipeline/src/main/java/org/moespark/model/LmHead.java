package org.moespark.model;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Output projection {@code logits = x·Wᵀ} with W [V, C]: the token embedding when tied
 * (Press & Wolf 2017), else its own matrix of the same shape.
 */
final class LmHead {
  private final INDArray w;
  private final INDArray wGrad;
  private INDArray x;
  private INDArray logits;
  private INDArray dx;

  LmHead(INDArray w, INDArray wGrad) {
    this.w = w;
    this.wGrad = wGrad;
  }

  /** x [N, C] → logits [N, V] (this module's buffer; CrossEntropy overwrites it in place). */
  INDArray forward(INDArray x) {
    this.x = x;
    logits = Buffers.ensure(logits, x.dataType(), x.size(0), w.size(0));
    Gemm.exec(x, w, logits, false, true, 1.0, 0.0);
    return logits;
  }

  /** {@code scale·g} = dlogits [N, V] → dx [N, C]; accumulates dW. The scale rides on the GEMMs' alpha. */
  INDArray backward(INDArray g, double scale) {
    dx = Buffers.ensure(dx, g.dataType(), g.size(0), w.size(1));
    Gemm.exec(List.of(Gemm.call(g, x, wGrad, true, false, scale, 1.0), Gemm.call(g, w, dx, false, false, scale, 0.0)));
    return dx;
  }
}
