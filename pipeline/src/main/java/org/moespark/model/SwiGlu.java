package org.moespark.model;

import java.util.List;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dense SwiGLU FFN {@code y = w2(silu(x·w1) ⊙ x·w3)} (Shazeer 2020) with fused
 * {@code w13 = [w1 | w3]} of shape [C, 2F] and {@code w2} [F, C]. Forward uses the two column
 * halves of w13 as strided GEMM operands (contiguous outputs); backward forms {@code [da | db]}
 * and does one fused GEMM each for {@code dw13} and {@code dx}.
 */
public final class SwiGlu implements Ffn {
  private final INDArray w13;
  private final INDArray w13Grad;
  private final INDArray w1;
  private final INDArray w3;
  private final INDArray w2;
  private final INDArray w2Grad;
  private final SwiGluActivation act;
  private INDArray x;
  private INDArray y;
  private INDArray dx;

  public SwiGlu(INDArray w13, INDArray w13Grad, INDArray w2, INDArray w2Grad) {
    long f = w2.rows();
    Preconditions.checkArgument(w13.rank() == 2 && w13.columns() == 2 * f && w2.rank() == 2,
        "w13 must be [C, 2F] and w2 [F, C]; got %s and %s", w13.shapeInfoToString(),
        w2.shapeInfoToString());
    Preconditions.checkArgument(w13.rows() == w2.columns(), "w13 rows %s != w2 columns %s",
        w13.rows(), w2.columns());
    this.w13 = w13;
    this.w13Grad = w13Grad;
    this.w1 = Views.columns(w13, 0, f);
    this.w3 = Views.columns(w13, f, 2 * f);
    this.w2 = w2;
    this.w2Grad = w2Grad;
    this.act = new SwiGluActivation((int) f, w13.dataType());
  }

  @Override
  public INDArray forward(INDArray x, int batch, boolean training) {
    long n = x.rows();
    act.ensure(n);
    if (y == null || y.rows() != n) {
      y = Nd4j.create(w13.dataType(), n, w13.rows());
      dx = Nd4j.create(w13.dataType(), n, w13.rows());
    }
    this.x = x;
    Gemm.exec(List.of(Gemm.call(x, w1, act.a(), false, false, 1.0, 0.0),
        Gemm.call(x, w3, act.b(), false, false, 1.0, 0.0)));
    act.forward(n);
    Gemm.exec(act.g(), w2, y, false, false, 1.0, 0.0);
    return y;
  }

  @Override
  public INDArray backward(INDArray dy) {
    Preconditions.checkState(x != null, "backward before forward");
    Gemm.exec(List.of(Gemm.call(act.g(), dy, w2Grad, true, false, 1.0, 1.0),
        Gemm.call(dy, w2, act.dg(), false, true, 1.0, 0.0)));
    act.backward(x.rows());
    Gemm.exec(List.of(Gemm.call(x, act.dh(), w13Grad, true, false, 1.0, 1.0),
        Gemm.call(act.dh(), w13, dx, false, true, 1.0, 0.0)));
    return dx;
  }
}
