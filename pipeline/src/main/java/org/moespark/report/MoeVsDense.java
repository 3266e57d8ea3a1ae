package org.moespark.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * MoE vs its dense twin in words, first on the page: validation CE of each at equal tokens, the
 * difference with a bootstrap CI over validation sequences, tokens/s of each, and who is ahead at
 * equal wall-clock time. A reader should not have to find this in a chart legend.
 */
final class MoeVsDense {
  static final int RESAMPLES = 1000;
  static final double LEVEL = 0.95;

  private MoeVsDense() {}

  /** One variant's curve: validation points (step, tokens seen, CE) and its mean training tokens/s. */
  record Curve(List<double[]> validation, double tokensPerS) {
    double seconds(double tokens) {
      return tokens / tokensPerS;
    }

    double[] last() {
      return validation.get(validation.size() - 1);
    }

    /** The last validation point reached within {@code seconds} of training, or null. */
    double[] within(double seconds) {
      double[] best = null;
      for (double[] p : validation) {
        if (seconds(p[1]) <= seconds * (1 + 1e-9)) {
          best = p;
        }
      }
      return best;
    }
  }

  static String render(List<RunData> runs) {
    StringBuilder b = new StringBuilder("<section id=\"moe-vs-dense\">\n<h2>MoE vs dense</h2>\n");
    List<String> table = new ArrayList<>();
    for (RunData d : runs) {
      Curve moe = curve(d, "moe");
      Curve dense = curve(d, "dense");
      if (moe == null || dense == null) {
        if (moe != null) {
          b.append("<p class=\"none\">Run <b>").append(Html.esc(d.runId)).append("</b> has no dense twin"
              + " to compare with (train with --compare-dense).</p>\n");
        }
        continue;
      }
      b.append("<p class=\"verdict\">").append(sentence(d, moe, dense, table)).append("</p>\n");
    }
    if (table.size() > 1) {
      b.append("<table><tr><th>run</th><th>validation CE MoE</th><th>dense</th><th>MoE − dense ["
          + "95% CI]</th><th>tokens/s MoE</th><th>dense</th><th>ahead at equal wall-clock</th></tr>\n");
      table.forEach(b::append);
      b.append("</table>\n");
    }
    if (table.isEmpty() && runs.stream().noneMatch(d -> curve(d, "moe") != null)) {
      return "";
    }
    return b.append("</section>\n").toString();
  }

  private static String sentence(RunData d, Curve moe, Curve dense, List<String> table) {
    Equal eq = equalTokens(d, moe, dense);
    double diff = eq.moe - eq.dense;
    String who = diff < 0 ? "MoE is ahead by " + Html.num(-diff, 3) + " nats"
        : diff > 0 ? "dense is ahead by " + Html.num(diff, 3) + " nats" : "they are level";
    String ci = eq.ci == null ? " (no per-sequence validation rows in validation/ for a CI)"
        : " (MoE − dense " + Html.num(diff, 3) + ", 95% CI " + Html.num(eq.ci[0], 3) + " to "
            + Html.num(eq.ci[1], 3) + " by bootstrap over " + Html.plural(eq.sequences, "validation sequence")
            + (eq.ci[0] > 0 || eq.ci[1] < 0 ? "" : ": the interval includes 0, no clear winner") + ")";
    double t = Math.min(moe.seconds(moe.last()[1]), dense.seconds(dense.last()[1]));
    double[] m = moe.within(t);
    double[] dn = dense.within(t);
    String clock;
    String ahead;
    if (m == null || dn == null) {
      clock = "At equal wall-clock time there is no validation point of both variants to compare.";
      ahead = "–";
    } else {
      ahead = m[2] < dn[2] ? "MoE" : dn[2] < m[2] ? "dense" : "level";
      clock = "At equal wall-clock time (" + Html.num(t, 0) + " s of training, estimated as tokens seen ÷"
          + " tokens/s) the curves' validation CE (their fixed evaluation batches) is MoE " + Html.num(m[2], 3) + " (step " + (long) m[0]
          + ") vs dense " + Html.num(dn[2], 3) + " (step " + (long) dn[0] + "): <b>"
          + (ahead.equals("level") ? "level" : ahead + " is ahead") + "</b>.";
    }
    table.add("<tr><td>" + Html.esc(d.runId) + "</td><td>" + Html.num(eq.moe, 3) + "</td><td>"
        + Html.num(eq.dense, 3) + "</td><td>" + Html.num(diff, 3)
        + (eq.ci == null ? "" : " [" + Html.num(eq.ci[0], 3) + ", " + Html.num(eq.ci[1], 3) + "]")
        + "</td><td>" + Html.count(Math.round(moe.tokensPerS)) + "</td><td>"
        + Html.count(Math.round(dense.tokensPerS)) + "</td><td>" + ahead + "</td></tr>\n");
    return "Run <b>" + Html.esc(d.runId) + "</b>: at equal tokens (" + Html.count(eq.tokens)
        + " tokens, step " + eq.step + ") the validation CE " + eq.over + " is MoE <b>"
        + Html.num(eq.moe, 3) + "</b> vs dense <b>" + Html.num(eq.dense, 3) + "</b>: <b>" + who
        + "</b>" + ci + ". Training speed: MoE " + Html.count(Math.round(moe.tokensPerS))
        + " tokens/s, dense " + Html.count(Math.round(dense.tokensPerS)) + " tokens/s. " + clock;
  }

  /** Both variants' CE at the same step, from validation/ when it covers that step, else the curve. */
  private record Equal(long step, long tokens, double moe, double dense, double[] ci, int sequences,
      String over) {}

  private static Equal equalTokens(RunData d, Curve moe, Curve dense) {
    Map<Long, double[]> denseAt = new TreeMap<>();
    dense.validation.forEach(p -> denseAt.put((long) p[0], p));
    double[] m = null;
    for (double[] p : moe.validation) {
      if (denseAt.containsKey((long) p[0])) {
        m = p;
      }
    }
    if (m == null) {
      m = moe.last();
      denseAt.put((long) m[0], dense.last());
    }
    long step = (long) m[0];
    double[] dn = denseAt.get(step);
    Map<Long, double[]> perSeqMoe = perSequence(d, "moe", step);
    Map<Long, double[]> perSeqDense = perSequence(d, "dense", step);
    perSeqMoe.keySet().retainAll(perSeqDense.keySet());
    if (perSeqMoe.isEmpty()) {
      return new Equal(step, (long) m[1], m[2], dn[2], null, 0, "(the fixed evaluation batches of the curves)");
    }
    long[] keys = perSeqMoe.keySet().stream().mapToLong(Long::longValue).toArray();
    double[][] a = new double[keys.length][];
    double[][] c = new double[keys.length][];
    for (int i = 0; i < keys.length; i++) {
      a[i] = perSeqMoe.get(keys[i]);
      c[i] = perSeqDense.get(keys[i]);
    }
    double[] diffs = new double[RESAMPLES];
    SplittableRandom rnd = new SplittableRandom(18);
    for (int r = 0; r < RESAMPLES; r++) {
      double ceM = 0;
      double ceD = 0;
      double tok = 0;
      for (int i = 0; i < keys.length; i++) {
        int j = rnd.nextInt(keys.length);
        ceM += a[j][0];
        ceD += c[j][0];
        tok += a[j][1];
      }
      diffs[r] = (ceM - ceD) / tok;
    }
    Arrays.sort(diffs);
    double lo = diffs[(int) Math.floor((1 - LEVEL) / 2 * (RESAMPLES - 1))];
    double hi = diffs[(int) Math.ceil((1 + LEVEL) / 2 * (RESAMPLES - 1))];
    return new Equal(step, (long) m[1], mean(a), mean(c), new double[] {lo, hi}, keys.length,
        "over " + Html.plural(keys.length, "validation sequence"));
  }

  private static double mean(double[][] perSeq) {
    double ce = 0;
    double tok = 0;
    for (double[] s : perSeq) {
      ce += s[0];
      tok += s[1];
    }
    return ce / tok;
  }

  /** seq_index → {CE sum, tokens} of {@code variant} at {@code step} from validation/. */
  private static Map<Long, double[]> perSequence(RunData d, String variant, long step) {
    Map<Long, double[]> m = new TreeMap<>();
    for (Row r : d.validation) {
      if (variant.equals(r.getAs("variant")) && ((Number) r.getAs("step")).longValue() == step) {
        double[] s = m.computeIfAbsent(((Number) r.getAs("seq_index")).longValue(), k -> new double[2]);
        s[0] += ((Number) r.getAs("ce_sum")).doubleValue();
        s[1] += ((Number) r.getAs("tokens")).doubleValue();
      }
    }
    return m;
  }

  /** A variant's validation points and mean tokens/s from metrics/, or null without validation rows. */
  static Curve curve(RunData d, String variant) {
    List<double[]> val = new ArrayList<>();
    double tps = 0;
    int n = 0;
    for (Row r : d.metrics) {
      if (!variant.equals(r.getAs("variant"))) {
        continue;
      }
      if ("validation".equals(r.getAs("split"))) {
        val.add(new double[] {(long) r.getAs("step"), (long) r.getAs("tokens_seen"), r.getAs("ce")});
      } else if ("train".equals(r.getAs("split")) && r.getAs("tokens_per_s") != null) {
        tps += (double) r.getAs("tokens_per_s");
        n++;
      }
    }
    if (val.isEmpty() || n == 0) {
      return null;
    }
    val.sort((x, y) -> Double.compare(x[0], y[0]));
    return new Curve(val, tps / n);
  }
}
