package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.moespark.train.AdamW;
import org.moespark.train.GradClip;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MoeTransformerTest {
  private static ModelConfig tiny(String router, double biasRate) {
    return new ModelConfig(32, 16, 2, 2, 8, 16, 4, 2, ModelConfig.Router.valueOf(router), true, 0.0, 0.0, 0, 8, 1,
        0.01, 0.0, 0.001, biasRate, false, true, 10000.0, 1e-5, 0.1);
  }

  @Test
  void aFewAdamWStepsFitAFixedFloatBatch() {
    MoeTransformer m = MoeTransformer.create(tiny("SOFTMAX", 0), DataType.FLOAT, 3);
    AdamW opt = new AdamW(m.params(), 0.0, 0.9, 0.95, 1e-8);
    int[][] tokens = ModelBench.randomTokens(4, 9, 32, 5);
    double first = 0;
    double last = 0;
    for (int step = 0; step < 20; step++) {
      m.zeroGrads();
      LossParts loss = m.forward(tokens, true);
      m.backward();
      opt.step(2e-2, GradClip.scale(GradClip.norm(m.params().grads()), 1.0));
      first = step == 0 ? loss.ce() : first;
      last = loss.ce();
    }
    // The first loss is one forward pass from the seeded init (3.57-3.67 over init seeds 3-5),
    // so kernel rounding moves it by ~1e-6, not by the 0.3 allowed. The fit is far from the
    // bound: last/first measured 0.055-0.065 (seeds 3-5, every core type tried) against 0.5.
    assertThat(first).isCloseTo(Math.log(32), org.assertj.core.data.Offset.offset(0.3));
    assertThat(last).isLessThan(0.5 * first);
  }

  /**
   * zeroGrads leaves the expert weights' gradients to the next backward, which overwrites them:
   * from a buffer full of stale values the gradients are those of a backward onto cleared ones,
   * bit for bit, also for an expert that gets no rows; a second backward then accumulates.
   */
  @Test
  void zeroGradsThenBackwardOverwritesStaleExpertGradients() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      MoeTransformer m = MoeTransformer.create(tiny("SOFTMAX", 0), type, 3);
      // expert 3 of every layer is never selected: its block gets no rows
      for (ParamBuffer.Slot s : m.params().slots()) {
        if (s.name().endsWith(MoeTransformer.EXPERT_BIAS)) {
          m.params().view(s.name()).putScalar(3, -1e3);
        }
      }
      int[][] tokens = ModelBench.randomTokens(4, 9, 32, 5);
      INDArray grads = m.params().grads();
      grads.assign(0);
      m.forward(tokens, true);
      m.backward();
      INDArray cleared = grads.dup();
      assertThat(m.moeStats().get(0).load()[3]).isZero();

      grads.assign(7);
      m.zeroGrads();
      m.forward(tokens, true);
      m.backward();
      assertThat(grads).isEqualTo(cleared);
      assertThat(cleared.sumNumber().doubleValue()).isNotZero();

      m.forward(tokens, true);
      m.backward();
      assertThat(grads).isEqualTo(cleared.mul(2));
    }
  }

  /**
   * The float32 host passes (norms, RoPE, attention's softmax, SwiGLU, the dispatcher's gathers and
   * dot products) give the float64 model's loss and gradients to float32 rounding, from the same
   * parameters.
   */
  @Test
  void float32LossAndGradientsMatchFloat64() {
    MoeTransformer d = MoeTransformer.create(tiny("SOFTMAX", 0), DataType.DOUBLE, 3);
    MoeTransformer f = MoeTransformer.create(tiny("SOFTMAX", 0), DataType.FLOAT, 3);
    f.params().params().assign(d.params().params());
    int[][] tokens = ModelBench.randomTokens(4, 17, 32, 8);
    double[] ce = new double[2];
    MoeTransformer[] models = {f, d};
    for (int i = 0; i < 2; i++) {
      models[i].zeroGrads();
      ce[i] = models[i].forward(tokens, true).ce();
      models[i].backward();
    }
    assertThat(ce[0]).isCloseTo(ce[1], org.assertj.core.data.Offset.offset(1e-5 * ce[1]));
    for (ParamBuffer.Slot slot : d.params().slots()) {
      INDArray expected = d.params().grad(slot.name());
      double err = f.params().grad(slot.name()).castTo(DataType.DOUBLE).sub(expected).amaxNumber().doubleValue();
      assertThat(err).as(slot.name()).isLessThanOrEqualTo(1e-4 * expected.amaxNumber().doubleValue() + 1e-12);
    }
  }

  @Test
  void tokenArrayForwardEqualsIntForwardAndLogitsHaveOneRowPerPosition() {
    MoeTransformer m = MoeTransformer.create(tiny("SOFTMAX", 0), DataType.DOUBLE, 3);
    int[][] tokens = ModelBench.randomTokens(2, 9, 32, 6);
    LossParts a = m.forward(tokens, false);
    LossParts b = m.forward(Nd4j.createFromArray(tokens), false);
    assertThat(b).isEqualTo(a);
    int[][] inputs = {java.util.Arrays.copyOf(tokens[0], 8), java.util.Arrays.copyOf(tokens[1], 8)};
    INDArray logits = m.logits(inputs);
    assertThat(logits.shape()).containsExactly(16, 32);
    assertThat(m.moeLayers()).containsExactly(0, 1);
    assertThat(m.moeStats()).hasSize(2);
    assertThat(m.routing().get(0).expert()).hasSize(16 * 2);
  }

  @Test
  void expertBiasMovesTowardsTheUnderloadedExperts() {
    MoeTransformer m = MoeTransformer.create(tiny("SIGMOID", 0.01), DataType.FLOAT, 3);
    m.forward(ModelBench.randomTokens(2, 9, 32, 7), true);
    List<long[]> loads = new ArrayList<>();
    for (MoeStats s : m.moeStats()) {
      loads.add(s.load());
    }
    loads.set(0, new long[] {10, 0, 3, 3});
    m.updateExpertBias(loads);
    INDArray bias = m.params().view(MoeTransformer.moePrefix(0) + MoeTransformer.EXPERT_BIAS);
    assertThat(bias.getDouble(0)).isCloseTo(-0.01, org.assertj.core.data.Offset.offset(1e-7));
    assertThat(bias.getDouble(1)).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-7));
  }
}
