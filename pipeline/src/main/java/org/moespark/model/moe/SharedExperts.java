package org.moespark.model.moe;

import org.moespark.model.SwiGlu;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DeepSeekMoE shared experts (Dai et al. 2024): S always-active experts of width Fs, fused into
 * one dense SwiGLU of width S·Fs, applied to every token and added to the routed output.
 */
public final class SharedExperts {
  private final SwiGlu ffn;

  /** @param w13 [C, 2·S·Fs], w2 [S·Fs, C] */
  public SharedExperts(INDArray w13, INDArray w13Grad, INDArray w2, INDArray w2Grad) {
    this.ffn = new SwiGlu(w13, w13Grad, w2, w2Grad);
  }

  /** y += shared(x). */
  public void addForward(INDArray x, INDArray y) {
    y.addi(ffn.forward(x, 1, true));
  }

  /** dx += dshared/dx · dy; accumulates the shared weights' gradients. */
  public void addBackward(INDArray dy, INDArray dx) {
    dx.addi(ffn.backward(dy));
  }
}
