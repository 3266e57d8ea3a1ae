package org.moespark.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/** Charts across runs: loss (MoE vs dense by metrics.variant), divergence and repetition by layer. */
final class Comparison {
  private Comparison() {}

  static String render(List<RunData> runs, SvgCharts charts, List<ChartFile> drawn) {
    StringBuilder html = new StringBuilder("<section id=\"compare\">\n<h2>Runs compared</h2>\n");
    Map<String, List<double[]>> loss = new TreeMap<>();
    Map<String, Map<String, Double>> divergence = new TreeMap<>();
    Map<String, Map<String, Double>> repetition = new TreeMap<>();
    for (RunData d : runs) {
      for (Row r : d.metrics) {
        loss.computeIfAbsent(d.runId + " / " + r.getAs("variant") + " / " + r.getAs("split"),
            k -> new ArrayList<>()).add(new double[] {(long) r.getAs("step"), r.getAs("loss")});
      }
      // Mean over labels, weighted by their tokens: how far a typical token's label moves routing.
      Map<String, double[]> sums = new TreeMap<>();
      for (Row r : d.divergence) {
        double[] s = sums.computeIfAbsent(d.runId + " / " + r.getAs("by") + "\u0000layer " + r.getAs("layer"),
            k -> new double[2]);
        s[0] += (double) r.getAs("jsd_norm") * (long) r.getAs("tokens");
        s[1] += (long) r.getAs("tokens");
      }
      sums.forEach((key, s) -> {
        String[] parts = key.split("\u0000");
        divergence.computeIfAbsent(parts[0], k -> new TreeMap<>(RunSection.LAYER_ORDER)).put(parts[1], s[1] == 0 ? 0 : s[0] / s[1]);
      });
      for (Row r : d.repetition) {
        String layer = "layer " + r.getAs("layer");
        repetition.computeIfAbsent(d.runId + " / same first choice", k -> new TreeMap<>(RunSection.LAYER_ORDER))
            .put(layer, r.getAs("first_same"));
        repetition.computeIfAbsent(d.runId + " / random 1/E", k -> new TreeMap<>(RunSection.LAYER_ORDER))
            .put(layer, r.getAs("first_baseline"));
      }
    }
    add(html, charts, drawn, "compare-loss", loss.isEmpty() ? null
        : SvgCharts.lines("Loss by step: every run (run / variant / split)", "step", "loss", loss));
    add(html, charts, drawn, "compare-divergence", divergence.isEmpty() ? null
        : SvgCharts.categoryLines("Label divergence by layer (token-weighted mean JSD / ln E)",
            "layer", "JSD / ln E", divergence));
    add(html, charts, drawn, "compare-repetition", repetition.isEmpty() ? null
        : SvgCharts.categoryLines("Consecutive tokens with the same first expert", "layer",
            "fraction of token pairs", repetition));
    return html.append("</section>\n").toString();
  }

  private static void add(StringBuilder html, SvgCharts charts, List<ChartFile> drawn, String name,
      org.jfree.chart.JFreeChart chart) {
    if (chart != null) {
      ChartFile f = charts.write(name + ".svg", chart);
      drawn.add(f);
      html.append(f.img()).append('\n');
    }
  }
}
