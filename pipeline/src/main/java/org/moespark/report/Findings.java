package org.moespark.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The significance results in sentences, each with its support: for each (label kind, layer) the
 * permutation test of routing against the label, and the experts whose share of a label's tokens
 * is above uniform with the whole bootstrap CI above it. A label with fewer documents or tokens
 * than the minimum support is never a finding (a CI from one document is zero-width and reads as
 * certainty); it is listed as "too little data" instead.
 */
final class Findings {
  /** Experts named per (label kind, layer); the heatmaps show the rest. */
  static final int PER_LAYER = 3;
  static final double ALPHA = 0.05;

  private Findings() {}

  enum Kind { SPECIALIST, NO_SPECIALIST, TOO_LITTLE_DATA }

  /** One sentence as HTML (labels escaped). */
  record Sentence(String html, Kind kind) {
    boolean significant() {
      return kind == Kind.SPECIALIST;
    }
  }

  /** A label's documents and tokens in the analysed split (-1 documents: not in the table). */
  record Support(long docs, long tokens) {
    boolean enough(ReportOptions o) {
      return docs >= o.minDocs() && tokens >= o.minTokens();
    }

    /** "1,000 tokens in 15 documents". */
    String tokensIn() {
      return Html.plural(tokens, "token") + " in " + (docs < 0 ? "? documents" : Html.plural(docs, "document"));
    }

    String words() {
      return (docs < 0 ? "documents unknown" : Html.plural(docs, "document")) + ", "
          + Html.plural(tokens, "token");
    }
  }

  /**
   * Specialists first, ranked by the lower CI bound over uniform (strength and support together:
   * few documents widen the CI), then the tests without a specialist, then the labels with too
   * little data.
   */
  static List<Sentence> sentences(RunData d, ReportOptions o) {
    String ci = Html.num(o.ciLevel() * 100, o.ciLevel() * 100 % 1 == 0 ? 0 : 1) + "% CI";
    Map<String, Support> support = support(d);
    List<Row> specialists = new ArrayList<>();
    List<Sentence> others = new ArrayList<>();
    Map<String, String> tests = new LinkedHashMap<>();
    for (Row sig : d.significance) {
      String by = sig.getAs("by");
      String word = word(by);
      int layer = ((Number) sig.getAs("layer")).intValue();
      double p = sig.getAs("p_value");
      String test = "routing vs. " + Html.esc(word) + " in layer " + layer + ": " + Html.pValue(p)
          + " (" + sig.getAs("permutations") + " document-level label permutations over "
          + Html.plural(((Number) sig.getAs("docs")).longValue(), "document") + "; mutual information "
          + Html.num(sig.getAs("mi"), 4) + " vs " + Html.num(sig.getAs("null_mean"), 4)
          + " with shuffled labels)";
      tests.put(by + "/" + layer, test);
      List<Row> above = p >= ALPHA ? List.of() : d.specialization.stream()
          .filter(r -> by.equals(r.getAs("by")) && ((Number) r.getAs("layer")).intValue() == layer)
          .filter(r -> r.getAs("ci_low") != null
              && (double) r.getAs("ci_low") > (double) r.getAs("uniform"))
          .filter(r -> support.get(key(r)).enough(o))
          .sorted(strongest(support))
          .limit(PER_LAYER)
          .toList();
      specialists.addAll(above);
      if (p >= ALPHA) {
        others.add(new Sentence("Layer " + layer + ": routing shows no significant dependence on the "
            + Html.esc(word) + "; " + test + ".", Kind.NO_SPECIALIST));
      } else if (above.isEmpty()) {
        others.add(new Sentence("Layer " + layer + ": routing depends on the " + Html.esc(word)
            + ", but no " + Html.esc(word) + " with enough data has an expert whose share has its CI"
            + " above uniform; " + test + ".", Kind.NO_SPECIALIST));
      }
    }
    List<Sentence> out = new ArrayList<>();
    specialists.stream().sorted(strongest(support)).forEach(r -> out.add(new Sentence(
        "Expert " + r.getAs("expert") + " in layer " + r.getAs("layer") + " takes <b>"
            + Html.pct(r.getAs("share")) + "</b> of " + Html.esc(r.getAs("label")) + " tokens ("
            + Html.count(((Number) r.getAs("n")).longValue()) + " of " + support.get(key(r)).tokensIn()
            + "), uniform " + Html.pct(r.getAs("uniform")) + ", " + ci + " "
            + Html.pct(r.getAs("ci_low")) + "–" + Html.pct(r.getAs("ci_high")) + "; "
            + tests.get(r.getAs("by") + "/" + r.getAs("layer")) + ".", Kind.SPECIALIST)));
    out.addAll(others);
    tooLittleData(support, o).forEach(out::add);
    return out;
  }

  /** One sentence per label kind listing the labels below the minimum support. */
  private static List<Sentence> tooLittleData(Map<String, Support> support, ReportOptions o) {
    Map<String, List<String>> byKind = new LinkedHashMap<>();
    support.forEach((k, s) -> {
      if (!s.enough(o)) {
        String[] parts = k.split("\u0000", 2);
        byKind.computeIfAbsent(parts[0], x -> new ArrayList<>())
            .add("<b>" + Html.esc(parts[1]) + "</b> (" + s.words() + ")");
      }
    });
    List<Sentence> out = new ArrayList<>();
    byKind.forEach((by, labels) -> out.add(new Sentence("Too little data for a finding about "
        + (labels.size() == 1 ? "the " + Html.esc(word(by)) + " " : Html.esc(plural(word(by))) + " ")
        + String.join(", ", labels) + ": a " + Html.esc(word(by)) + " needs at least "
        + Html.plural(o.minDocs(), "document") + " and " + Html.plural(o.minTokens(), "token")
        + " (analysis.min-docs, analysis.min-tokens).", Kind.TOO_LITTLE_DATA)));
    return out;
  }

  /** (by, label) → support, from any row of the label (every layer and expert has the same). */
  static Map<String, Support> support(RunData d) {
    Map<String, Support> m = new java.util.TreeMap<>();
    for (Row r : d.specialization) {
      m.computeIfAbsent(key(r), k -> {
        Object docs = r.schema().getFieldIndex("label_docs").isDefined() ? r.getAs("label_docs") : null;
        return new Support(docs == null ? -1 : ((Number) docs).longValue(),
            ((Number) r.getAs("label_tokens")).longValue());
      });
    }
    return m;
  }

  private static Comparator<Row> strongest(Map<String, Support> support) {
    return Comparator.comparingDouble((Row r) -> -(double) r.getAs("ci_low") / (double) r.getAs("uniform"))
        .thenComparingLong(r -> -support.get(key(r)).docs());
  }

  private static String key(Row r) {
    return r.getAs("by") + "\u0000" + r.getAs("label");
  }

  static String word(String by) {
    return by.equals("lang") ? "language" : by;
  }

  private static String plural(String word) {
    return word.endsWith("y") ? word.substring(0, word.length() - 1) + "ies" : word + "s";
  }
}
