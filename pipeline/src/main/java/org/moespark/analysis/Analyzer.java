package org.moespark.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.moespark.routing.RoutingTable;
import org.moespark.spark.Tables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every analysis of one run: reads {@code <out>/routing} (run_id = the run), writes
 * {@code <out>/analysis/<table>} partitioned by run_id (a rerun replaces that run), logging the
 * time of each metric. What {@code moe-spark analyze} calls.
 */
public final class Analyzer {
  private static final Logger LOG = LoggerFactory.getLogger(Analyzer.class);
  /** Every metric, in run order. */
  static final List<Metric> METRICS = List.of(new LoadBalance(), new Specialization(),
      new VocabSpecialization(), new TopTokens(), new CoActivation(), new Saturation(),
      new Repetition(), new Divergence(), new PositionRouting(), new Significance());

  private final AnalysisConfig config;
  private final int experts;
  private final int topK;
  private final IntFunction<String> decoder;

  /**
   * @param experts experts per layer of the routed model (model.experts)
   * @param topK choices per token (model.top-k)
   * @param decoder token id → text for top_tokens, or null (text column left null)
   */
  public Analyzer(AnalysisConfig config, int experts, int topK, IntFunction<String> decoder) {
    this.config = config;
    this.experts = experts;
    this.topK = topK;
    this.decoder = decoder;
  }

  /** All tables of run {@code runId}, with the seconds they took. */
  public Times run(SparkSession spark, String out, String runId) {
    Dataset<Row> routing = RoutingTable.read(spark, out, runId);
    if (routing.isEmpty()) {
      throw new IllegalArgumentException("no routing rows for run " + runId + " under "
          + Tables.path(out, RoutingTable.TABLE) + " (run `moe-spark route` first)");
    }
    long t0 = System.nanoTime();
    AnalysisInput in = AnalysisInput.of(routing, experts, topK, config, decoder);
    Map<String, Double> seconds = new LinkedHashMap<>();
    try {
      // The inputs several metrics share are built here, not inside the first metric that
      // happens to use them, so each metric's time is its own.
      in.materialize();
      double inputs = (System.nanoTime() - t0) / 1e9;
      LOG.info("analyze {}: shared inputs built in {} s", runId, String.format("%.1f", inputs));
      for (Metric m : METRICS) {
        long t1 = System.nanoTime();
        String table = "analysis/" + m.table();
        Tables.write(m.compute(in), out, table, runId);
        double s = (System.nanoTime() - t1) / 1e9;
        seconds.put(m.table(), s);
        LOG.info("analyze {}: {} written in {} s", runId, table, String.format("%.1f", s));
      }
      return new Times(inputs, seconds);
    } finally {
      in.release();
    }
  }

  /**
   * Seconds of one analysis.
   *
   * @param inputs building the inputs the metrics share ({@link AnalysisInput#materialize})
   * @param metrics each metric's table, in run order
   */
  public record Times(double inputs, Map<String, Double> metrics) {
    public double total() {
      return inputs + metrics.values().stream().mapToDouble(Double::doubleValue).sum();
    }
  }

  /** The analysis tables, in run order (report and notebooks read these). */
  public static List<String> tables() {
    List<String> names = new ArrayList<>();
    METRICS.forEach(m -> names.add("analysis/" + m.table()));
    return names;
  }
}
