package org.moespark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainBenchTest {
  @Test
  void shardingTheExpertsOverTwoRanksAtLeastDoublesTheLargestModelAnExecutorHolds() {
    // the bench preset's shape: 4 layers, d 256, ffn 512, vocab 8192
    List<String> bench = List.of("tokenizer.vocab-size=8192", "model.d-model=256", "model.layers=4",
        "model.heads=4", "model.ffn-hidden=512");
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    int[] largest = TrainBench.largestExperts(null, bench, 3072, new PrintStream(text, true, StandardCharsets.UTF_8));
    // 25 MB of state per expert (4 layers × 393,216 parameters × 16 bytes) next to 52 MB dense
    assertThat(largest[0]).isEqualTo(64);
    assertThat(largest[1]).isEqualTo(128);
    assertThat(text.toString(StandardCharsets.UTF_8)).contains("W=1 64, W=2 with P=2 128 (2.0x");
  }
}
