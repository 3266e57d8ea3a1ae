package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The whole model's backward (total loss incl. weighted aux, seq-aux and z losses) against central
 * differences in float64, for each router / routing variant. Every slot is sampled.
 */
class MoeTransformerGradCheckTest {
  static final int B = 2;
  static final int T = 6;

  /** A tiny config: V 13, C 8, 2 layers, H 2, F 6, E 4. */
  static ModelConfig tiny(String router, int k, double cf, int shared, boolean dense, boolean tie,
      double aux, double seqAux, double z) {
    return new ModelConfig(13, 8, 2, 2, T, 6, 4, k, ModelConfig.Router.valueOf(router), true, 0.0, cf,
        shared, 4, 1, aux, seqAux, z, 0.0, dense, tie, 10000.0, 1e-5, 0.3);
  }

  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of("dense tied", tiny("SOFTMAX", 2, 0, 0, true, true, 0, 0, 0)),
        Arguments.of("dense untied", tiny("SOFTMAX", 2, 0, 0, true, false, 0, 0, 0)),
        Arguments.of("softmax k2 dropless aux+z", tiny("SOFTMAX", 2, 0, 0, false, true, 0.1, 0, 0.05)),
        Arguments.of("softmax k1 dropless", tiny("SOFTMAX", 1, 0, 0, false, true, 0.1, 0, 0.05)),
        Arguments.of("softmax k2 capacity 1.0 drops", tiny("SOFTMAX", 2, 1.0, 0, false, true, 0.1, 0, 0.05)),
        Arguments.of("sigmoid k2 seq-aux", tiny("SIGMOID", 2, 0, 0, false, true, 0.1, 0.1, 0.05)),
        Arguments.of("sigmoid k1 capacity 1.0", tiny("SIGMOID", 1, 1.0, 0, false, false, 0.1, 0.1, 0.05)),
        Arguments.of("softmax k2 shared expert", tiny("SOFTMAX", 2, 0, 1, false, true, 0.1, 0.1, 0.05)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void totalLossGradientMatchesFiniteDifferences(String name, ModelConfig cfg) {
    MoeTransformer model = MoeTransformer.create(cfg, DataType.DOUBLE, 7);
    int[][] tokens = ModelBench.randomTokens(B, T + 1, cfg.vocabSize(), 11);
    model.zeroGrads();
    LossParts loss = model.forward(tokens, true);
    model.backward();
    assertThat(loss.total()).isEqualTo(loss.ce() + cfg.auxCoef() * loss.aux()
        + cfg.seqAuxCoef() * loss.seqAux() + cfg.zCoef() * loss.z());
    if (!cfg.dense()) {
      assertThat(loss.aux()).isPositive();
      assertThat(loss.z()).isPositive();
      long dropped = model.moeStats().stream().mapToLong(MoeStats::droppedTokens).sum();
      assertThat(dropped > 0).as("capacity drops happen iff cf > 0").isEqualTo(cfg.capacityFactor() > 0);
    }
    ParamBuffer pb = model.params();
    DoubleSupplier total = () -> model.forward(tokens, true).total();
    int checked = 0;
    for (ParamBuffer.Slot s : pb.slots()) {
      if (s.role() == ParamBuffer.Role.SELECTION_ONLY) {
        assertThat(pb.grad(s.name()).sumNumber().doubleValue()).as("selection-only bias").isZero();
        continue;
      }
      checked += SampledGradCheck.check(s.name(), pb.view(s.name()), pb.grad(s.name()), total, 3,
          s.name().hashCode());
    }
    assertThat(checked).isGreaterThan(20);
  }
}
