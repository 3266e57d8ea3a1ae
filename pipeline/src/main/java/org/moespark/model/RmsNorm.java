package org.moespark.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * RMSNorm (Zhang & Sennrich 2019): {@code y = g ⊙ x / sqrt(mean(x²) + eps)} per row of [N, C].
 * Backward with {@code x̂ = x·r}: {@code dx = r·(dx̂ − x̂·mean(dx̂ ⊙ x̂))}, {@code dx̂ = dy ⊙ g}.
 */
public final class RmsNorm {
  private final INDArray gain;
  private final INDArray gainGrad;
  private final double eps;
  private INDArray xhat;
  private INDArray rstd;
  private INDArray out;
  private INDArray tmp;
  private INDArray dx;

  public RmsNorm(INDArray gain, INDArray gainGrad, double eps) {
    this.gain = gain;
    this.gainGrad = gainGrad;
    this.eps = eps;
  }

  /** x [N, C] → [N, C] (this module's buffer). */
  public INDArray forward(INDArray x) {
    long[] shape = x.shape();
    xhat = Buffers.ensure(xhat, x.dataType(), shape);
    out = Buffers.ensure(out, x.dataType(), shape);
    tmp = Buffers.ensure(tmp, x.dataType(), shape);
    x.mul(x, tmp);
    rstd = tmp.mean(1).reshape(shape[0], 1).addi(eps);
    Transforms.pow(rstd, -0.5, false);
    xhat.assign(x).muliColumnVector(rstd);
    return out.assign(xhat).muliRowVector(gain);
  }

  /** dy [N, C] → dx [N, C]; accumulates dgain. */
  public INDArray backward(INDArray dy) {
    dx = Buffers.ensure(dx, dy.dataType(), dy.shape());
    dy.mul(xhat, tmp);
    gainGrad.addi(tmp.sum(0));
    INDArray dxhat = tmp.assign(dy).muliRowVector(gain);
    INDArray m = dx.assign(dxhat).muli(xhat).mean(1).reshape(dy.size(0), 1);
    dx.assign(xhat).muliColumnVector(m).rsubi(dxhat);
    return dx.muliColumnVector(rstd);
  }
}
