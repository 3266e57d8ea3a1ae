package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

class HostSoftmaxTest {
  /**
   * The causal softmax matches ND4J's softmax of the rows with a -1e9 bias above the diagonal, with
   * exact zeros there; float32 and float64, rows longer and shorter than the eight accumulators.
   */
  @Test
  void matchesNd4jSoftmaxWithTheMaskBias() {
    int g = 3;
    int t = 13;
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Nd4j.getRandom().setSeed(5);
      double eps = type == DataType.FLOAT ? 1e-6 : 1e-12;
      INDArray scores = Nd4j.randn(type, g * t, t).muli(4);
      INDArray causal = scores.dup();
      HostSoftmax.causal(causal);
      INDArray masked = scores.dup();
      for (int r = 0; r < g * t; r++) {
        for (int j = r % t + 1; j < t; j++) {
          masked.putScalar(r, j, -1e9);
        }
      }
      Nd4j.exec(new SoftMax(masked, masked, -1));
      assertThat(causal.equalsWithEps(masked, eps)).as("%s causal rows", type).isTrue();
      for (int r = 0; r < g * t; r++) {
        for (int j = r % t + 1; j < t; j++) {
          assertThat(causal.getDouble(r, j)).as("%s row %s column %s", type, r, j).isZero();
        }
        assertThat(causal.getRow(r).sumNumber().doubleValue()).isCloseTo(1, org.assertj.core.data.Offset.offset(eps * t));
      }
    }
  }
}
