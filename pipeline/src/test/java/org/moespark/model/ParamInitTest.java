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
    assertThat(pb.slot("h1.moe.router").role()).isEqualTo(ParamBuffer.Role.ROUTER);
    assertThat(pb.slot("h1.moe.expert_bias").role()).isEqualTo(ParamBuffer.Role.SELECTION_ONLY);
    // the expert slots are one region at the end of the buffer
    long expertParams = pb.slots().stream().filter(ParamBuffer.Slot::isExpert)
        .mapToLong(ParamBuffer.Slot::length).sum();
    assertThat(expertParams).isEqualTo(8L * 8 * (64 * 256 + 128 * 64));
    assertThat(pb.expertOffset()).isEqualTo(pb.size() - expertParams);
    assertThat(pb.slots()).filteredOn(ParamBuffer.Slot::isExpert)
        .allMatch(s -> s.offset() >= pb.expertOffset());
    // seeded: the same seed gives the same parameters, another seed different ones
    assertThat(MoeTransformer.create(cfg, DataType.DOUBLE, 5).params().params()).isEqualTo(pb.params());
    assertThat(MoeTransformer.create(cfg, DataType.DOUBLE, 6).params().params()).isNotEqualTo(pb.params());
  }

  @Test
  void anExpertsInitialValuesDependOnlyOnTheSeedItsSlotAndItsIndex() {
    // what lets a rank that holds experts [r·E/P, (r+1)·E/P) initialise them alone
    ModelConfig four = ModelConfigs.of("d-model=16", "heads=2", "ffn-hidden=8", "experts=4", "top-k=1");
    ModelConfig eight = ModelConfigs.of("d-model=16", "heads=2", "ffn-hidden=8", "experts=8", "top-k=1");
    ParamBuffer a = MoeTransformer.create(four, DataType.FLOAT, 9).params();
    ParamBuffer b = MoeTransformer.create(eight, DataType.FLOAT, 9).params();
    for (int e = 0; e < 4; e++) {
      assertThat(b.view("h0.moe.w13").slice(e)).isEqualTo(a.view("h0.moe.w13").slice(e));
      assertThat(b.view("h1.moe.w2").slice(e)).isEqualTo(a.view("h1.moe.w2").slice(e));
    }
    assertThat(b.view("h0.moe.w13").slice(0)).isNotEqualTo(b.view("h0.moe.w13").slice(1));
  }

  private static double std(INDArray a) {
    return a.stdNumber().doubleValue();
  }
}
