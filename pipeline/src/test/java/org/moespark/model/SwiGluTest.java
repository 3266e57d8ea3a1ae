package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class SwiGluTest {
  private static final int N = 5;
  private static final int C = 4;
  private static final int F = 3;

  @Test
  void forwardMatchesTheFormula() {
    Nd4j.getRandom().setSeed(1);
    INDArray w13 = Nd4j.randn(DataType.DOUBLE, C, 2 * F);
    INDArray w2 = Nd4j.randn(DataType.DOUBLE, F, C);
    INDArray x = Nd4j.randn(DataType.DOUBLE, N, C);
    SwiGlu ffn = new SwiGlu(w13, w13.like(), w2, w2.like());
    INDArray a = x.mmul(w13.getColumns(0, 1, 2));
    INDArray b = x.mmul(w13.getColumns(3, 4, 5));
    INDArray expected = a.mul(Transforms.sigmoid(a, true)).mul(b).mmul(w2);
    assertThat(ffn.forward(x, 1, true).equalsWithEps(expected, 1e-12)).isTrue();
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Nd4j.getRandom().setSeed(2);
    INDArray w13 = Nd4j.randn(DataType.DOUBLE, C, 2 * F);
    INDArray w2 = Nd4j.randn(DataType.DOUBLE, F, C);
    INDArray w13Grad = Nd4j.zeros(DataType.DOUBLE, C, 2 * F);
    INDArray w2Grad = Nd4j.zeros(DataType.DOUBLE, F, C);
    INDArray x = Nd4j.randn(DataType.DOUBLE, N, C);
    INDArray r = Nd4j.randn(DataType.DOUBLE, N, C);
    SwiGlu ffn = new SwiGlu(w13, w13Grad, w2, w2Grad);
    ffn.forward(x, 1, true);
    INDArray dx = ffn.backward(r).dup();
    DoubleSupplier loss = () -> ffn.forward(x, 1, true).mul(r).sumNumber().doubleValue();
    GradCheck.check("x", x, dx, loss);
    GradCheck.check("w13", w13, w13Grad, loss);
    GradCheck.check("w2", w2, w2Grad, loss);
    // gradients accumulate: a second backward doubles them
    INDArray once = w2Grad.dup();
    ffn.forward(x, 1, true);
    ffn.backward(r);
    assertThat(w2Grad.equalsWithEps(once.mul(2), 1e-12)).isTrue();
  }

  /** float32 computes in float32 on its own rows: the float64 path's result to float32 rounding. */
  @Test
  void float32BackwardMatchesFloat64() {
    int rows = 300;
    int f = 67;
    int m = 257; // a prefix of the buffers, over 16384 elements so that it splits over the cores
    Nd4j.getRandom().setSeed(3);
    INDArray a = Nd4j.randn(DataType.FLOAT, rows, f);
    INDArray b = Nd4j.randn(DataType.FLOAT, rows, f);
    INDArray dg = Nd4j.randn(DataType.FLOAT, rows, f);
    INDArray[] dh = new INDArray[2];
    DataType[] types = {DataType.FLOAT, DataType.DOUBLE};
    for (int i = 0; i < 2; i++) {
      SwiGluActivation act = new SwiGluActivation(f, types[i]);
      act.ensure(rows);
      act.a().assign(a);
      act.b().assign(b);
      act.forward(m);
      act.dg().assign(dg);
      act.dh().assign(7);
      act.backward(m);
      dh[i] = act.dh().castTo(DataType.DOUBLE);
    }
    INDArray diff = Transforms.abs(dh[0].sub(dh[1]).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, m)));
    INDArray scale = Transforms.abs(dh[1].get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, m))).add(1);
    assertThat(diff.div(scale).maxNumber().doubleValue()).isLessThan(1e-6);
    // rows past m are not touched
    assertThat(dh[0].getRow(m).minNumber().doubleValue()).isEqualTo(7.0);
  }
}
