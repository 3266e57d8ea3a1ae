package org.moespark.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/** One run's part of the page: findings first, then each chart and the top-token lists. */
final class RunSection {
  /** Orders "layer 2" before "layer 10": by the trailing number, then by text. */
  static final Comparator<String> LAYER_ORDER =
      Comparator.comparingInt(RunSection::trailingNumber).thenComparing(Comparator.naturalOrder());
  private final RunData d;
  private final SvgCharts charts;
  private final StringBuilder html = new StringBuilder();
  private final List<ChartFile> drawn = new ArrayList<>();

  private RunSection(RunData d, SvgCharts charts) {
    this.d = d;
    this.charts = charts;
  }

  /** The section's HTML; its charts are written under &lt;assets&gt;/&lt;run&gt;/ and added to {@code drawn}. */
  static String render(RunData d, SvgCharts charts, List<ChartFile> drawn) {
    RunSection s = new RunSection(d, charts);
    s.build();
    drawn.addAll(s.drawn);
    return s.html.toString();
  }

  private void build() {
    html.append("<section class=\"run\" id=\"run-").append(Html.esc(d.runId)).append("\">\n<h2>Run ")
        .append(Html.esc(d.runId)).append("</h2>\n");
    if (d.split == null) {
      // A dense baseline, or a run not routed yet: only its training curves.
      html.append("<p class=\"meta\">No routing analysis for this run (no rows in routing/).</p>\n");
      training();
      html.append("</section>\n");
      return;
    }
    html.append("<p class=\"meta\">Routing analysed on split <b>").append(Html.esc(d.split))
        .append("</b> (last routed step).</p>\n");
    training();
    loadBalance();
    specialization();
    divergence();
    repetition();
    position();
    saturation();
    topTokens();
    html.append("</section>\n");
  }

  private void training() {
    heading("Training");
    Map<String, List<double[]>> loss = new LinkedHashMap<>();
    for (Row r : d.metrics) {
      loss.computeIfAbsent(r.getAs("variant") + " / " + r.getAs("split"), k -> new ArrayList<>())
          .add(new double[] {(long) r.getAs("step"), r.getAs("loss")});
    }
    chart("loss", loss.isEmpty() ? null : SvgCharts.lines("Loss by step (variant / split)", "step",
        "loss", loss), "metrics");
    String byLabel = ValidationByLabel.table(d.validation);
    html.append(byLabel != null ? byLabel : "<p class=\"none\">No rows in validation/ for this run:"
        + " no validation CE by language and domain (train writes them after training).</p>\n");
    Map<Integer, List<Row>> byLayer = group(d.expertLoad, "layer");
    if (byLayer.isEmpty()) {
      none("expert_load");
    }
    byLayer.forEach((layer, rows) -> chart("load-layer" + layer, loadOverSteps(layer, rows), "expert_load"));
  }

  /** Heatmap step × expert of the expert's token share times E (1 = perfectly balanced). */
  private static org.jfree.chart.JFreeChart loadOverSteps(int layer, List<Row> rows) {
    TreeSet<Long> steps = new TreeSet<>();
    TreeSet<Integer> experts = new TreeSet<>();
    Map<Long, Long> total = new TreeMap<>();
    for (Row r : rows) {
      steps.add(r.getAs("step"));
      experts.add(r.getAs("expert"));
      total.merge(r.getAs("step"), (long) r.getAs("tokens"), Long::sum);
    }
    List<Long> stepList = new ArrayList<>(steps);
    double[][] ratio = nan(experts.last() + 1, stepList.size());
    int e = experts.last() + 1;
    for (Row r : rows) {
      long t = total.get((long) r.getAs("step"));
      ratio[(int) r.getAs("expert")][stepList.indexOf((long) r.getAs("step"))] =
          t == 0 ? Double.NaN : (long) r.getAs("tokens") * (double) e / t;
    }
    return SvgCharts.heatmap("Layer " + layer + ": expert load over steps (share × E)", "step",
        null, stepList.stream().mapToDouble(Long::doubleValue).toArray(), "expert",
        labels("e", e), ratio, "share × E (1 = balanced)");
  }

  private void loadBalance() {
    heading("Load balance (analysis)");
    if (d.load.isEmpty()) {
      none("analysis/load");
      return;
    }
    html.append("<table><tr><th>layer</th><th>tokens</th><th>CV of load</th><th>max / mean</th>"
        + "<th>normalised entropy</th><th>dead experts</th><th>dropped</th></tr>\n");
    for (Row r : d.load) {
      html.append("<tr><td>").append(r.getAs("layer").toString()).append("</td><td>")
          .append(r.getAs("tokens").toString()).append("</td><td>")
          .append(Html.num(r.getAs("cv"), 3)).append("</td><td>")
          .append(Html.num(r.getAs("max_over_mean"), 2)).append("</td><td>")
          .append(Html.num(r.getAs("entropy_norm"), 3)).append("</td><td>")
          .append(r.getAs("dead_experts").toString()).append("</td><td>")
          .append(Html.pct(r.getAs("drop_rate"))).append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  private void specialization() {
    for (String by : List.of("domain", "lang")) {
      String word = by.equals("lang") ? "language" : by;
      heading("Expert × " + word + " (share of the " + word + "'s tokens ÷ uniform k/E)");
      Map<Integer, List<Row>> byLayer = group(
          d.specialization.stream().filter(r -> by.equals(r.getAs("by"))).toList(), "layer");
      if (byLayer.isEmpty()) {
        none("analysis/specialization");
      }
      byLayer.forEach((layer, rows) -> {
        List<String> labels = new ArrayList<>(new TreeSet<>(rows.stream().map(r -> (String) r.getAs("label")).toList()));
        int e = rows.stream().mapToInt(r -> (short) r.getAs("expert")).max().orElse(0) + 1;
        double[][] ratio = nan(e, labels.size());
        for (Row r : rows) {
          ratio[(short) r.getAs("expert")][labels.indexOf((String) r.getAs("label"))] =
              (double) r.getAs("share") / (double) r.getAs("uniform");
        }
        double uniform = rows.get(0).getAs("uniform");
        chart("spec-" + by + "-layer" + layer, SvgCharts.heatmap("Layer " + layer + ": expert × "
            + word + " (uniform share " + Html.pct(uniform) + " = 1)", word,
            labels.toArray(String[]::new), null, "expert", labels("e", e), ratio, "share ÷ uniform"),
            "analysis/specialization");
        // Each column's support beside the chart, so a striking cell from one document reads as such.
        Map<String, Findings.Support> support = Findings.support(d);
        html.append("<p class=\"meta\">Data behind each column: ").append(String.join("; ",
            labels.stream().map(l -> {
              Findings.Support s = support.get(by + "\u0000" + l);
              return "<b>" + Html.esc(l) + "</b> " + (s == null ? "?" : s.words());
            }).toList())).append(".</p>\n");
      });
    }
  }

  private void divergence() {
    heading("Language and domain divergence by layer (JSD of mean gates ÷ ln E)");
    for (String by : List.of("lang", "domain")) {
      Map<String, Map<String, Double>> series = new TreeMap<>();
      d.divergence.stream().filter(r -> by.equals(r.getAs("by"))).forEach(r ->
          series.computeIfAbsent(r.getAs("label"), k -> new TreeMap<>(LAYER_ORDER))
              .put("layer " + r.getAs("layer"), r.getAs("jsd_norm")));
      chart("divergence-" + by, series.isEmpty() ? null : SvgCharts.categoryLines(
          "Divergence of each " + (by.equals("lang") ? "language" : by) + " from the pooled routing", "layer", "JSD / ln E", series),
          "analysis/divergence");
    }
  }

  private void repetition() {
    heading("Consecutive tokens routed alike vs random routing");
    Map<String, Map<String, Double>> series = new LinkedHashMap<>();
    for (Row r : d.repetition) {
      String layer = "layer " + r.getAs("layer");
      series.computeIfAbsent("same first choice", k -> new TreeMap<>(LAYER_ORDER)).put(layer, r.getAs("first_same"));
      series.computeIfAbsent("random: 1/E", k -> new TreeMap<>(LAYER_ORDER)).put(layer, r.getAs("first_baseline"));
      series.computeIfAbsent("any expert shared", k -> new TreeMap<>(LAYER_ORDER)).put(layer, r.getAs("any_shared"));
      series.computeIfAbsent("random: 1-C(E-k,k)/C(E,k)", k -> new TreeMap<>(LAYER_ORDER))
          .put(layer, r.getAs("any_baseline"));
    }
    chart("repetition", series.isEmpty() ? null : SvgCharts.categoryLines(
        "Consecutive-token repetition by layer", "layer", "fraction of token pairs", series),
        "analysis/repetition");
  }

  /** Per layer and position bucket, the total-variation distance of routing from uniform. */
  private void position() {
    heading("Routing by position in the document");
    Map<String, Map<String, Double>> series = new TreeMap<>(LAYER_ORDER);
    Map<String, Integer> bucketOrder = new TreeMap<>();
    for (Row r : d.position) {
      bucketOrder.putIfAbsent(r.getAs("bucket"), r.getAs("bucket_start"));
    }
    int experts = expertsOf(d.position);
    for (Row r : d.position) {
      // Shares of a bucket sum to k; dividing by 2k puts the distance in [0, 1].
      double k = (double) r.getAs("uniform") * experts;
      series.computeIfAbsent("layer " + r.getAs("layer"), x -> new LinkedHashMap<>())
          .merge(r.getAs("bucket"), Math.abs((double) r.getAs("share") - (double) r.getAs("uniform"))
              / (2 * k), Double::sum);
    }
    series.replaceAll((layer, m) -> {
      Map<String, Double> sorted = new LinkedHashMap<>();
      m.keySet().stream().sorted((a, b) -> bucketOrder.get(a) - bucketOrder.get(b))
          .forEach(b -> sorted.put(b, m.get(b)));
      return sorted;
    });
    chart("position", series.isEmpty() ? null : SvgCharts.categoryLines(
        "Position profile: distance of routing from uniform", "position bucket",
        "total variation from uniform", series), "analysis/position");
  }

  /**
   * Saturation compares routing at earlier steps with the final one: a series of one step is the
   * final step against itself (always 1) and says nothing, so only series of two or more steps are
   * drawn, and the page says why when none has.
   */
  private void saturation() {
    heading("Router saturation over training (agreement with the final checkpoint)");
    Map<String, List<double[]>> series = new TreeMap<>(LAYER_ORDER);
    for (Row r : d.saturation) {
      series.computeIfAbsent(r.getAs("split") + " / layer " + r.getAs("layer"), k -> new ArrayList<>())
          .add(new double[] {(long) r.getAs("step"), r.getAs("saturation")});
    }
    series.values().removeIf(points -> points.size() < 2);
    if (series.isEmpty()) {
      html.append("<p class=\"none\">No saturation chart: it needs routing logged at two or more steps"
          + " (this run has ").append(d.saturation.isEmpty() ? "none" : "one step per split")
          .append("); set train.route-sample-every to log the routing of a fixed validation batch"
              + " while training.</p>\n");
      return;
    }
    chart("saturation", SvgCharts.lines("Router saturation by step", "step", "saturation", series),
        "analysis/saturation");
  }

  private void topTokens() {
    heading("Each expert's top tokens (share of the token's occurrences routed to the expert, occurrences)");
    html.append("<p class=\"meta\">␣ space, ↵ newline, ⇥ tab; \\xNN a byte that is part of a"
        + " character; tokens seen fewer than analysis.min-token-count times are left out.</p>\n");
    Map<Integer, List<Row>> byLayer = group(d.topTokens, "layer");
    if (byLayer.isEmpty()) {
      none("analysis/top_tokens");
    }
    byLayer.forEach((layer, rows) -> {
      html.append("<h4>Layer ").append(layer).append("</h4>\n<table class=\"tokens\">"
          + "<tr><th>expert</th><th>top tokens</th></tr>\n");
      Map<Integer, List<Row>> byExpert = group(rows, "expert");
      byExpert.forEach((expert, tokens) -> {
        html.append("<tr><td>").append(expert).append("</td><td>");
        for (Row t : tokens) {
          String text = t.getAs("token");
          html.append("<code>").append(text == null ? "#" + t.getAs("token_id") : Html.esc(TokenText.visible(text)))
              .append("</code> ").append(Html.pct(t.getAs("share"))).append(" (")
              .append(Html.count(((Number) t.getAs("token_count")).longValue())).append(") &nbsp; ");
        }
        html.append("</td></tr>\n");
      });
      html.append("</table>\n");
    });
  }

  private void chart(String name, org.jfree.chart.JFreeChart chart, String table) {
    if (chart == null) {
      none(table);
      return;
    }
    ChartFile f = charts.write(d.runId + "/" + name + ".svg", chart);
    drawn.add(f);
    html.append(f.img()).append('\n');
  }

  private void heading(String text) {
    html.append("<h3>").append(Html.esc(text)).append("</h3>\n");
  }

  private void none(String table) {
    html.append("<p class=\"none\">No rows in ").append(Html.esc(table)).append(" for this run.</p>\n");
  }

  /** The number a label ends with ("layer 12" → 12), or -1. */
  static int trailingNumber(String s) {
    int i = s.length();
    while (i > 0 && Character.isDigit(s.charAt(i - 1))) {
      i--;
    }
    return i == s.length() || s.length() - i > 9 ? -1 : Integer.parseInt(s.substring(i));
  }

  private static Map<Integer, List<Row>> group(List<Row> rows, String column) {
    Map<Integer, List<Row>> m = new TreeMap<>();
    rows.forEach(r -> m.computeIfAbsent(((Number) r.getAs(column)).intValue(), k -> new ArrayList<>()).add(r));
    return m;
  }

  private static int expertsOf(List<Row> position) {
    return position.stream().mapToInt(r -> (short) r.getAs("expert")).max().orElse(0) + 1;
  }

  private static String[] labels(String prefix, int n) {
    String[] s = new String[n];
    for (int i = 0; i < n; i++) {
      s[i] = prefix + i;
    }
    return s;
  }

  private static double[][] nan(int rows, int cols) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      java.util.Arrays.fill(row, Double.NaN);
    }
    return m;
  }
}
