package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class RmsNormTest {
  /**
   * float32 computes in float32 (but for its sums) on its own rows: the float64 path's output, dx
   * and dgain to float32 rounding, over several dgain blocks split over the cores and a width off the
   * vector lanes.
   */
  @Test
  void float32MatchesFloat64() {
    int n = 300;
    int c = 67;
    Nd4j.getRandom().setSeed(6);
    INDArray x = Nd4j.randn(DataType.FLOAT, n, c).muli(3);
    INDArray dy = Nd4j.randn(DataType.FLOAT, n, c);
    INDArray gain = Nd4j.rand(DataType.FLOAT, c).addi(0.5);
    INDArray[] y = new INDArray[2];
    INDArray[] dx = new INDArray[2];
    INDArray[] dgain = new INDArray[2];
    DataType[] types = {DataType.FLOAT, DataType.DOUBLE};
    for (int i = 0; i < 2; i++) {
      dgain[i] = Nd4j.ones(types[i], c);
      RmsNorm norm = new RmsNorm(gain.castTo(types[i]), dgain[i], 1e-5);
      y[i] = norm.forward(x.castTo(types[i])).castTo(DataType.DOUBLE);
      dx[i] = norm.backward(dy.castTo(types[i])).castTo(DataType.DOUBLE);
    }
    assertThat(relative(y[0], y[1])).isLessThan(1e-6);
    assertThat(relative(dx[0], dx[1])).isLessThan(1e-6);
    // dgain accumulates onto its ones, each a sum over the 300 rows
    assertThat(relative(dgain[0].castTo(DataType.DOUBLE), dgain[1])).isLessThan(1e-5);
    assertThat(dgain[1].sub(1).norm2Number().doubleValue()).isGreaterThan(1);
  }

  private static double relative(INDArray actual, INDArray expected) {
    return Transforms.abs(actual.sub(expected)).div(Transforms.abs(expected).add(1)).maxNumber().doubleValue();
  }
}
