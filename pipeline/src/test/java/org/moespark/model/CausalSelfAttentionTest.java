package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class CausalSelfAttentionTest {
  /**
   * The float32 host passes (RoPE, the causal softmax and its backward) give the float64 module's
   * output and gradients to float32 rounding.
   */
  @Test
  void float32MatchesFloat64() {
    int b = 3;
    int t = 40;
    int c = 64;
    Nd4j.getRandom().setSeed(7);
    INDArray x = Nd4j.randn(DataType.FLOAT, (long) b * t, c);
    INDArray dout = Nd4j.randn(DataType.FLOAT, (long) b * t, c);
    INDArray wqkv = Nd4j.randn(DataType.FLOAT, c, 3 * c).muli(0.2);
    INDArray wo = Nd4j.randn(DataType.FLOAT, c, c).muli(0.2);
    INDArray[][] results = new INDArray[2][];
    DataType[] types = {DataType.FLOAT, DataType.DOUBLE};
    for (int i = 0; i < 2; i++) {
      INDArray wqkvGrad = Nd4j.zeros(types[i], c, 3 * c);
      INDArray woGrad = Nd4j.zeros(types[i], c, c);
      CausalSelfAttention attn = new CausalSelfAttention(wqkv.castTo(types[i]), wqkvGrad, wo.castTo(types[i]), woGrad,
          4, 10000.0);
      INDArray out = attn.forward(x.castTo(types[i]), b, t).dup();
      INDArray dx = attn.backward(dout.castTo(types[i]));
      results[i] = new INDArray[] {out, dx, wqkvGrad, woGrad};
    }
    String[] names = {"out", "dx", "dWqkv", "dWo"};
    for (int k = 0; k < names.length; k++) {
      INDArray expected = results[1][k];
      INDArray diff = Transforms.abs(results[0][k].castTo(DataType.DOUBLE).sub(expected));
      double scale = Transforms.abs(expected).maxNumber().doubleValue();
      assertThat(diff.maxNumber().doubleValue() / scale).as(names[k]).isLessThan(1e-5);
    }
  }
}
