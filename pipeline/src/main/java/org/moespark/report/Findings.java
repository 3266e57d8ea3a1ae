package org.moespark.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The significance results in sentences: for each (label kind, layer), the permutation test of
 * routing against the label, and the experts whose share of a label's tokens is above uniform
 * with the whole bootstrap CI above it.
 */
final class Findings {
  /** Experts named per (label kind, layer); the heatmaps show the rest. */
  static final int PER_LAYER = 3;
  static final double ALPHA = 0.05;

  private Findings() {}

  /** One sentence as HTML (labels escaped); {@code significant} when it names a specialised expert. */
  record Sentence(String html, boolean significant) {}

  static List<Sentence> sentences(RunData d, double ciLevel) {
    List<Sentence> out = new ArrayList<>();
    String ci = Html.num(ciLevel * 100, ciLevel * 100 % 1 == 0 ? 0 : 1) + "% CI";
    for (Row sig : d.significance) {
      String by = sig.getAs("by");
      String word = Html.esc(by.equals("lang") ? "language" : by);
      int layer = ((Number) sig.getAs("layer")).intValue();
      double p = sig.getAs("p_value");
      String test = "routing vs. " + word + " in layer " + layer + ": " + Html.pValue(p)
          + " (" + sig.getAs("permutations") + " document-level label permutations over "
          + sig.getAs("docs") + " documents; mutual information " + Html.num(sig.getAs("mi"), 4)
          + " vs " + Html.num(sig.getAs("null_mean"), 4) + " with shuffled labels)";
      List<Row> above = d.specialization.stream()
          .filter(r -> by.equals(r.getAs("by")) && ((Number) r.getAs("layer")).intValue() == layer)
          .filter(r -> r.getAs("ci_low") != null
              && (double) r.getAs("ci_low") > (double) r.getAs("uniform"))
          .sorted(Comparator.comparingDouble(
              (Row r) -> -(double) r.getAs("share") / (double) r.getAs("uniform")))
          .limit(PER_LAYER)
          .toList();
      if (p >= ALPHA) {
        out.add(new Sentence("Layer " + layer + ": routing shows no significant dependence on the "
            + word + "; " + test + ".", false));
        continue;
      }
      if (above.isEmpty()) {
        out.add(new Sentence("Layer " + layer + ": routing depends on the " + word + ", but no "
            + "expert's share of a " + word + "'s tokens has its CI above uniform; " + test + ".", false));
        continue;
      }
      for (Row r : above) {
        out.add(new Sentence("Expert " + r.getAs("expert") + " in layer " + layer + " takes "
            + "<b>" + Html.pct(r.getAs("share")) + "</b> of " + Html.esc(r.getAs("label"))
            + " tokens, uniform " + Html.pct(r.getAs("uniform")) + ", " + ci + " "
            + Html.pct(r.getAs("ci_low")) + "–" + Html.pct(r.getAs("ci_high")) + "; " + test + ".",
            true));
      }
    }
    return out;
  }
}
