package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

class RopeTest {
  /**
   * float32 rotates in float32 on blocks of rows: the float64 path's result to float32 rounding,
   * forward and transpose, from a view at an offset (q's part of [3, G, T, D]) and over more rows than
   * one block, split over the cores.
   */
  @Test
  void float32MatchesFloat64() {
    int g = 24;
    int t = 40;
    int d = 32;
    Nd4j.getRandom().setSeed(4);
    INDArray parts = Nd4j.randn(DataType.FLOAT, 3, g, t, d);
    for (boolean transpose : new boolean[] {false, true}) {
      INDArray[] outs = new INDArray[2];
      DataType[] types = {DataType.FLOAT, DataType.DOUBLE};
      for (int i = 0; i < 2; i++) {
        INDArray x = parts.castTo(types[i]).get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all(),
            NDArrayIndex.all());
        assertThat(x.offset()).isPositive();
        Rope rope = new Rope(10_000, 0.5);
        outs[i] = Nd4j.create(types[i], g, t, d);
        if (transpose) {
          rope.backward(x, outs[i]);
        } else {
          rope.forward(x, outs[i]);
        }
      }
      INDArray expected = outs[1];
      INDArray diff = Transforms.abs(outs[0].castTo(DataType.DOUBLE).sub(expected));
      assertThat(diff.div(Transforms.abs(expected).add(1)).maxNumber().doubleValue()).as("transpose %s", transpose)
          .isLessThan(1e-6);
    }
  }

  /**
   * The vector path gives the scalar twin's bits, forward and transpose, at both presets' head
   * widths (D = 32 and 64, two and four vectors per half) and at one the vectors do not take (D = 20).
   */
  @Test
  void vectorsAndTheTwinGiveTheSameBits() {
    for (int d : new int[] {32, 64, 20}) {
      Nd4j.getRandom().setSeed(d);
      INDArray x = Nd4j.randn(DataType.FLOAT, 6, 50, d);
      for (boolean transpose : new boolean[] {false, true}) {
        INDArray vector = Nd4j.create(DataType.FLOAT, 6, 50, d);
        INDArray twin = Nd4j.create(DataType.FLOAT, 6, 50, d);
        Rope rope = new Rope(10_000, 0.125);
        rope.rotate(x, vector, transpose, true);
        rope.rotate(x, twin, transpose, false);
        assertThat(vector.data().asFloat()).as("D %d transpose %s", d, transpose).isEqualTo(twin.data().asFloat());
        assertThat(vector.maxNumber().doubleValue()).isPositive();
      }
    }
  }
}
