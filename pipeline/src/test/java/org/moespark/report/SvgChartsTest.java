package org.moespark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SvgChartsTest {
  @TempDir Path dir;

  @Test
  void longLabelsAreCutSoTheHeatmapKeepsItsAxes() throws Exception {
    String[] domains = IntStream.range(0, 6)
        .mapToObj(i -> "a-very-long-domain-label-from-a-hostile-corpus-" + "x".repeat(60) + "-part-" + i)
        .toArray(String[]::new);
    String[] experts = {"0", "1", "2", "3"};
    double[][] ratio = new double[domains.length][experts.length];
    for (double[] row : ratio) {
      java.util.Arrays.fill(row, 1.0);
    }
    ChartFile f = new SvgCharts(dir, "assets/g").write("heat.svg", SvgCharts.heatmap(
        "share by domain", "expert", experts, null, "domain", domains, ratio, "share / uniform"));
    String svg = Files.readString(dir.resolve(f.path()));

    String[] shown = SvgCharts.axisLabels(domains);
    assertThat(shown).doesNotHaveDuplicates().allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(18));
    assertThat(shown[0]).isEqualTo("a-very-lo…x-part-0");
    assertThat(svg).contains(shown);  // every row keeps its tick label
    assertThat(SvgCharts.axisLabels(new String[] {"en", "de"})).containsExactly("en", "de");
  }
}
