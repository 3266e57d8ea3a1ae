package org.moespark.report;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.moespark.spark.Tables;

/**
 * The rows one run's report section draws, collected to the driver: every table is small after
 * the analysis, and per-step training tables are thinned to at most {@link #MAX_STEPS} steps.
 * A table the run does not have gives no rows (the section says so instead of drawing).
 */
final class RunData {
  /** Steps kept per curve: more points than pixels only make the SVG heavy. */
  static final int MAX_STEPS = 240;

  final String runId;
  /** The routing split the analysis sections describe; null when the run has no analysis. */
  final String split;
  final List<Row> metrics;
  final List<Row> expertLoad;
  final List<Row> load;
  final List<Row> specialization;
  final List<Row> significance;
  final List<Row> topTokens;
  final List<Row> divergence;
  final List<Row> repetition;
  final List<Row> position;
  final List<Row> saturation;
  /** Per (variant, step, validation sequence, language, domain): CE sum and tokens (validation/). */
  final List<Row> validation;

  private RunData(Reader r, String split) {
    this.runId = r.runId;
    this.split = split;
    Column onSplit = col("split").equalTo(split == null ? "" : split);
    metrics = r.rows("metrics", null, true, "variant", "split", "step");
    expertLoad = r.rows("expert_load", null, true, "layer", "step", "expert");
    load = r.rows("analysis/load", onSplit, false, "layer");
    specialization = r.rows("analysis/specialization", onSplit, false, "by", "layer", "label", "expert");
    significance = r.rows("analysis/significance", onSplit, false, "by", "layer");
    topTokens = r.rows("analysis/top_tokens", onSplit, false, "layer", "expert", "rank");
    divergence = r.rows("analysis/divergence", onSplit, false, "by", "label", "layer");
    repetition = r.rows("analysis/repetition", onSplit, false, "layer");
    position = r.rows("analysis/position", onSplit, false, "layer", "bucket_start", "expert");
    saturation = r.rows("analysis/saturation", null, false, "split", "layer", "step");
    validation = r.rows("validation", null, false, "variant", "step", "seq_index", "lang", "domain");
  }

  static RunData read(SparkSession spark, String out, String runId, RunCatalog catalog,
      List<String> preferredSplits) {
    Reader r = new Reader(spark, out, runId, catalog);
    TreeSet<String> splits = new TreeSet<>();
    for (Row row : r.rows("analysis/load", null, false, "split")) {
      splits.add(row.getAs("split"));
    }
    String split = preferredSplits.stream().filter(splits::contains).findFirst()
        .orElse(splits.isEmpty() ? null : splits.first());
    return new RunData(r, split);
  }

  /** Reads one run of a table, or nothing when the run has no partition there. */
  private record Reader(SparkSession spark, String out, String runId, RunCatalog catalog) {
    List<Row> rows(String table, Column where, boolean thinSteps, String... order) {
      if (!catalog.has(table, runId)) {
        return List.of();
      }
      Dataset<Row> df = Tables.read(spark, out, table, runId);
      if (where != null) {
        df = df.where(where);
      }
      if (thinSteps) {
        // Evaluation points are few and each one matters (the first shows where training
        // started): only the per-step training rows are thinned.
        boolean hasSplit = java.util.Arrays.asList(df.columns()).contains("split");
        Dataset<Row> perStep = hasSplit ? df.where(col("split").equalTo("train")) : df;
        Column thinned = col("step").isin(thinnedSteps(perStep).toArray());
        df = df.where(hasSplit ? col("split").notEqual("train").or(thinned) : thinned);
      }
      Column[] sort = new Column[order.length];
      for (int i = 0; i < order.length; i++) {
        sort[i] = col(order[i]);
      }
      return df.orderBy(sort).collectAsList();
    }

    /** At most MAX_STEPS distinct steps, evenly spaced, always with the first and the last. */
    private static List<Long> thinnedSteps(Dataset<Row> df) {
      List<Long> steps = new ArrayList<>();
      for (Row r : df.select("step").distinct().orderBy("step").collectAsList()) {
        steps.add(r.getLong(0));
      }
      if (steps.size() <= MAX_STEPS) {
        return steps;
      }
      List<Long> kept = new ArrayList<>();
      for (int i = 0; i < MAX_STEPS; i++) {
        kept.add(steps.get((int) Math.round(i * (steps.size() - 1) / (double) (MAX_STEPS - 1))));
      }
      return kept;
    }
  }
}
