package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.moespark.config.PipelineConfig;

class ModelBenchTest {
  @Test
  void flopsPerTokenOfTheBenchShapeIsThreeForwardPasses() {
    PipelineConfig pc = PipelineConfig.load(null, List.of("tokenizer.vocab-size=8192", "tokenizer.seq-len=256",
        "model.layers=4", "model.d-model=256", "model.ffn-hidden=512"));
    double c = 256;
    // T = 256: 8 causal blocks of 32 rows compute (1 + ... + 8) / 64 of each T×T product
    double perLayer = 8 * c * c + 4 * 256 * c * 36 / 64 + 2 * 6 * c * 512;
    double expected = 3 * (2 * c * 8192 + 4 * (perLayer + 2 * c * 8));
    assertThat(ModelBench.flopsPerToken(pc.model())).isCloseTo(expected, within(1.0));
    // the dense twin has the same active FFN width, minus the router
    assertThat(ModelBench.flopsPerToken(pc.model().asDense())).isCloseTo(expected - 3 * 4 * 2 * c * 8, within(1.0));
  }

  @Test
  void theGemmClockCountsTheFlopsOfTheFormula() {
    PipelineConfig pc = PipelineConfig.load(null, List.of("tokenizer.vocab-size=300", "tokenizer.seq-len=80",
        "model.d-model=32", "model.heads=2", "model.layers=2", "model.ffn-hidden=24", "model.experts=4"));
    for (ModelConfig cfg : List.of(pc.model(), pc.model().asDense())) {
      MoeTransformer m = MoeTransformer.create(cfg, org.nd4j.linalg.api.buffer.DataType.FLOAT, 3);
      int[][] tokens = ModelBench.randomTokens(3, cfg.seqLen() + 1, cfg.vocabSize(), 4);
      GemmClock.start();
      m.forward(tokens, true);
      m.backward();
      GemmClock.stop();
      // T = 80: causal blocks of 32, 32 and 16 rows
      double formula = ModelBench.flopsPerToken(cfg) * 3 * cfg.seqLen();
      assertThat(GemmClock.flops()).isCloseTo(formula, within(formula * 1e-12));
      assertThat(GemmClock.nanos()).isPositive();
    }
  }

  @Test
  void runPrintsEveryVariantAndTheRatios() {
    PipelineConfig pc = PipelineConfig.load(null, List.of("tokenizer.vocab-size=260", "tokenizer.seq-len=8",
        "model.d-model=16", "model.heads=2", "model.ffn-hidden=16", "model.experts=4", "train.batch-size=2"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelBench.run(pc, 1, 0, 0, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("GEMM peak", "moe E=4 K=2 F=16", "dense F=32", "moe E=64 K=2 F=16",
        "MoE/dense tokens/s", "E64/E4 tokens/s", "MFU of", "PyTorch peer", "fastest step", "in turn",
        "in GEMMs", "STREAM triad", "Warm-up: 1 untimed round (at least 0 s", "then 1 timed (at least 1", "MoE/dense ceiling", "E64/E4 ceiling", "at most");
    assertThat(out).doesNotContain("NaN", "Infinity");
    assertThatThrownBy(() -> ModelBench.run(pc, 0, 0, 0, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--steps 0");
    assertThatThrownBy(() -> ModelBench.run(pc, 1, 0, -1, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--timed-s -1");
  }
}
