package org.moespark.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollectiveBenchTest {
  @Test
  void aTinyRunPrintsPositiveBandwidths() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CollectiveBench.run(new CollectiveBench.Settings(List.of(2), List.of(1), 2,
        Duration.ofSeconds(60)), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    List<String> rows = out.lines().filter(l -> l.matches("(allReduce|allToAllV) .*")).toList();
    assertThat(rows).as(out).hasSize(2);
    for (String row : rows) {
      String[] f = row.trim().split("\\s+");
      assertThat(f).hasSize(9);
      assertThat(f[1]).isEqualTo("2");
      assertThat(f[2]).isEqualTo("1");
      for (int i = 4; i < 9; i++) {
        assertThat(Double.parseDouble(f[i])).as("column %d of %s", i, row).isPositive();
      }
    }
  }
}
