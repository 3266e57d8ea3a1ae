package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The whole MoE FFN against central finite differences in float64, in many configurations. */
class MoeFfnGradientTest {
  static final int B = 2;
  static final int T = 5;
  static final int C = 4;

  static Stream<Arguments> configs() {
    String base = "d-model=" + C + ",heads=1,ffn-hidden=2,experts=4";
    return Stream.of(
        Arguments.of("softmax k1 dropless", base + ",router=softmax,top-k=1", false),
        Arguments.of("sigmoid k2 dropless", base + ",router=sigmoid,top-k=2", false),
        Arguments.of("softmax k2 unnormalised", base + ",top-k=2,normalize-gates=false", false),
        Arguments.of("softmax k2 capacity drops", base + ",top-k=2,capacity-factor=1.0", true),
        Arguments.of("sigmoid k1 capacity drops", base + ",router=sigmoid,top-k=1,capacity-factor=1.0", true),
        Arguments.of("softmax k2 dropless, shared experts",
            base + ",top-k=2,shared-experts=2,shared-hidden=2", false),
        Arguments.of("sigmoid k2 all losses, drops, shared, bias", base
            + ",router=sigmoid,top-k=2,capacity-factor=1.0,aux-coef=0.3,seq-aux-coef=0.2,z-coef=0.1"
            + ",shared-experts=1,shared-hidden=3", true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void gradientsMatchFiniteDifferences(String name, String overrides, boolean skewed) {
    String losses = overrides.contains("aux-coef") ? "" : ",aux-coef=0.05,seq-aux-coef=0.07,z-coef=0.02";
    ModelConfig cfg = ModelConfigs.of((overrides + losses).split(","));
    ParamBuffer.Builder b = ParamBuffer.builder();
    MoeParams.addTo(b, "l0.", cfg, cfg.experts());
    ParamBuffer pb = b.allocate(DataType.DOUBLE);
    Nd4j.getRandom().setSeed(name.hashCode());
    pb.params().assign(Nd4j.randn(DataType.DOUBLE, pb.size()).muli(0.5));
    MoeParams p = MoeParams.of(pb, "l0.");
    p.expertBias().assign(Nd4j.randn(DataType.DOUBLE, cfg.experts()).muli(0.05));
    INDArray x = Nd4j.randn(DataType.DOUBLE, B * T, C);
    if (skewed) {
      // expert 0 attracts most tokens, so capacity must drop some
      x.getColumn(0).addi(2);
      p.router().putScalar(0, 0, p.router().getDouble(0, 0) + 3);
    }
    INDArray r = Nd4j.randn(DataType.DOUBLE, B * T, C);
    MoeFfn ffn = new MoeFfn(cfg, p, 7);
    DoubleSupplier loss = () -> {
      double v = ffn.forward(x, B, true).mul(r).sumNumber().doubleValue();
      MoeStats s = ffn.stats();
      return v + cfg.auxCoef() * s.auxLoss() + cfg.seqAuxCoef() * s.seqAuxLoss()
          + cfg.zCoef() * s.zLoss();
    };
    loss.getAsDouble();
    assertThat(ffn.stats().droppedTokens() > 0).as("drops happen").isEqualTo(skewed);
    INDArray dx = ffn.backward(r).dup();
    INDArray grads = pb.grads().dup();
    GradCheck.check("x", x, dx, loss);
    for (ParamBuffer.Slot slot : pb.slots()) {
      if (slot.role() == ParamBuffer.Role.SELECTION_ONLY) {
        assertThat(pb.grad(slot.name()).sumNumber().doubleValue()).isZero();
        continue;
      }
      INDArray analytic = grads.get(interval(slot.offset(), slot.offset() + slot.length()));
      GradCheck.check(slot.name(), pb.view(slot.name()).reshape(slot.length()), analytic, loss);
    }
  }
}
