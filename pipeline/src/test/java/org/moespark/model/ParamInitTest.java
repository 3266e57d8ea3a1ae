package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ParamInitTest {
  @Test
  void normsOneBiasZeroWeightsNormalWithScaledResidualProjections() {
    ModelConfig cfg = new ModelConfig(512, 64, 8, 4, 16, 128, 8, 2, ModelConfig.Router.SIGMOID, true, 0, 0,
        1, 64, 1, 0.01, 0, 0.001, 0, false, true, 10000, 1e-5, 0.02);
    MoeTransformer a = MoeTransformer.create(cfg, DataType.DOUBLE, 5);
    ParamBuffer pb = a.params();
    assertThat(pb.view("h3.norm2").minNumber().doubleValue()).isEqualTo(1.0);
    assertThat(pb.view("norm_f").maxNumber().doubleValue()).isEqualTo(1.0);
    assertThat(pb.view("h2.moe.expert_bias").norm2Number().doubleValue()).isZero();
    assertThat(std(pb.view("wte"))).isCloseTo(0.02, within(0.001));
    assertThat(std(pb.view("h0.moe.w13"))).isCloseTo(0.02, within(0.001));
    double residual = 0.02 / Math.sqrt(2 * 8);
    assertThat(std(pb.view("h0.moe.w2"))).isCloseTo(residual, within(residual * 0.05));
    assertThat(std(pb.view("h0.moe.shared_w2"))).isCloseTo(residual, within(residual * 0.05));
    assertThat(std(pb.view("h5.attn.wo"))).isCloseTo(residual, within(residual * 0.05));
    assertThat(pb.slot("wte").decay()).isFalse();
    assertThat(pb.slot("h1.attn.wqkv").decay()).isTrue();
    // seeded: the same seed gives the same parameters, another seed different ones
    assertThat(MoeTransformer.create(cfg, DataType.DOUBLE, 5).params().params()).isEqualTo(pb.params());
    assertThat(MoeTransformer.create(cfg, DataType.DOUBLE, 6).params().params()).isNotEqualTo(pb.params());
  }

  private static double std(INDArray a) {
    return a.stdNumber().doubleValue();
  }
}
