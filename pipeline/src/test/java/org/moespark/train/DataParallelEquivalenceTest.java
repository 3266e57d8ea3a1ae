package org.moespark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.config.PipelineConfig;

/**
 * The loop on W in-process ranks computes what one rank computes on the whole global batch: the
 * same losses and parameters after 10 steps, with the Switch, z and sequence losses on (their
 * statistics are global-batch quantities) and DeepSeek bias balancing (loads summed over ranks).
 */
class DataParallelEquivalenceTest {
  @TempDir Path dir;

  static PipelineConfig config(String... extra) {
    List<String> sets = new ArrayList<>(List.of("train.batch-size=8", "train.steps=10",
        "train.eval-every=5", "train.checkpoint-every=10", "model.seq-aux-coef=0.01"));
    sets.addAll(List.of(extra));
    return TinyTraining.config(sets.toArray(new String[0]));
  }

  @Test
  void oneTwoAndFourRanksGiveTheSameLossesAndParameters() throws Exception {
    PipelineConfig cfg = config("model.bias-rate=0.01");
    InProcessRanks.Run one = InProcessRanks.train(cfg, 1, 1, dir.resolve("w1"), 0);
    for (int w : new int[] {2, 4}) {
      InProcessRanks.Run many = InProcessRanks.train(cfg, w, 1, dir.resolve("w" + w), 0);
      assertSameRun("W=" + w, one, many);
    }
  }

  static void assertSameRun(String what, InProcessRanks.Run a, InProcessRanks.Run b) {
    assertSameRun(what, a, b, 1e-5);
  }

  static void assertSameRun(String what, InProcessRanks.Run a, InProcessRanks.Run b, double tolerance) {
    double[] la = a.sink().trainLosses();
    double[] lb = b.sink().trainLosses();
    assertThat(lb).hasSameSizeAs(la);
    for (int i = 0; i < la.length; i++) {
      assertThat(lb[i]).as("%s step %d loss", what, i + 1).isCloseTo(la[i], within(tolerance * Math.abs(la[i])));
    }
    double rel = Diffs.relL2(a.params(), b.params());
    System.out.printf("%s: parameters max |diff| %.3g, relative L2 %.3g%n", what,
        Diffs.maxDiff(a.params(), b.params()), rel);
    assertThat(rel).as("%s parameters, relative L2", what).isLessThan(tolerance);
  }
}
