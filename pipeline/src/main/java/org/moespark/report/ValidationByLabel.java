package org.moespark.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * Validation CE per language and per domain of each variant's final checkpoint (validation/), as
 * an HTML table: the overall CE hides a model that is good at English and poor at everything else.
 */
final class ValidationByLabel {
  private ValidationByLabel() {}

  /** The table, or null when the run has no validation/ rows. */
  static String table(List<Row> validation) {
    if (validation.isEmpty()) {
      return null;
    }
    Map<String, Long> lastStep = new TreeMap<>();
    validation.forEach(r -> lastStep.merge(r.getAs("variant"), ((Number) r.getAs("step")).longValue(), Math::max));
    List<String> variants = lastStep.keySet().stream().sorted((a, b) -> a.equals("moe") ? -1 : b.equals("moe") ? 1 : a.compareTo(b)).toList();
    // kind → label → variant → {CE sum, tokens}
    Map<String, Map<String, Map<String, double[]>>> sums = new LinkedHashMap<>();
    java.util.Set<Long> sequences = new java.util.HashSet<>();
    for (Row r : validation) {
      String variant = r.getAs("variant");
      if (((Number) r.getAs("step")).longValue() != lastStep.get(variant)) {
        continue;
      }
      sequences.add(((Number) r.getAs("seq_index")).longValue());
      for (String kind : List.of("lang", "domain")) {
        String label = r.getAs(kind);
        if (label == null) {
          continue;
        }
        double[] s = sums.computeIfAbsent(kind, k -> new TreeMap<>()).computeIfAbsent(label, k -> new TreeMap<>())
            .computeIfAbsent(variant, k -> new double[2]);
        s[0] += ((Number) r.getAs("ce_sum")).doubleValue();
        s[1] += ((Number) r.getAs("tokens")).doubleValue();
      }
    }
    StringBuilder b = new StringBuilder("<table class=\"validation\"><tr><th></th><th>label</th><th>tokens</th>");
    variants.forEach(v -> b.append("<th>CE ").append(Html.esc(v)).append("</th>"));
    boolean both = variants.contains("moe") && variants.contains("dense");
    if (both) {
      b.append("<th>MoE − dense</th>");
    }
    b.append("</tr>\n");
    sums.forEach((kind, labels) -> labels.forEach((label, byVariant) -> {
      double tokens = byVariant.values().iterator().next()[1];
      b.append("<tr><td>").append(kind.equals("lang") ? "language" : "domain").append("</td><td>")
          .append(Html.esc(label)).append("</td><td>").append(Html.count(Math.round(tokens))).append("</td>");
      for (String v : variants) {
        double[] s = byVariant.get(v);
        b.append("<td>").append(s == null ? "–" : Html.num(s[0] / s[1], 3)).append("</td>");
      }
      if (both) {
        double[] m = byVariant.get("moe");
        double[] d = byVariant.get("dense");
        b.append("<td>").append(m == null || d == null ? "–" : Html.num(m[0] / m[1] - d[0] / d[1], 3)).append("</td>");
      }
      b.append("</tr>\n");
    }));
    return "<p class=\"meta\">Validation CE (nats) of each variant's final checkpoint by language and"
        + " domain of the predicted token, over " + Html.plural(sequences.size(), "validation sequence")
        + " (validation/).</p>\n" + b.append("</table>\n");
  }
}
