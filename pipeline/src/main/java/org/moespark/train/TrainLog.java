package org.moespark.train;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.moespark.routing.RoutingTable;
import org.moespark.spark.Tables;

/**
 * The rows of {@code metrics/} and {@code expert_load/} of one (run, variant). They are rewritten
 * at every checkpoint, so a killed run keeps its curves up to the checkpoint it resumes from.
 */
final class TrainLog {
  static final String METRICS = "metrics";
  static final String EXPERT_LOAD = "expert_load";

  private final SparkSession spark;
  private final String out;
  private final String runId;
  private final String variant;
  private final List<Row> metrics = new ArrayList<>();
  private final List<Row> load = new ArrayList<>();
  private final List<Row> routing = new ArrayList<>();

  TrainLog(SparkSession spark, String out, String runId, String variant) {
    this.spark = spark;
    this.out = out;
    this.runId = runId;
    this.variant = variant;
  }

  /** A metrics row; values in the column order of data-schemas/metrics.json. */
  void metric(long step, String split, long tokensSeen, double loss, double ce, double aux,
      double seqAux, double z, double lr, double gradNorm, double tokensPerS, double droppedFrac,
      double maxMeanLoad, long skipped) {
    metrics.add(RowFactory.create(step, split, tokensSeen, loss, ce, aux, seqAux, z, lr, gradNorm,
        tokensPerS, droppedFrac, maxMeanLoad, skipped, runId, variant));
  }

  void load(long step, int layer, int expert, long tokens, long dropped, double meanGate, double bias) {
    load.add(RowFactory.create(step, layer, expert, tokens, dropped, meanGate, bias, runId, variant));
  }

  /** Routing rows of the sampled batch (split train-sample), from {@link RoutingRows}. */
  List<Row> routing() {
    return routing;
  }

  /** On resume: the rows this run wrote up to {@code step}, read back from the tables. */
  void restoreUpTo(long step) {
    metrics.clear();
    load.clear();
    routing.clear();
    metrics.addAll(existing(METRICS, step));
    load.addAll(existing(EXPERT_LOAD, step));
    if (hasPartition(RoutingTable.TABLE, RoutingTable.SPLIT + "=" + RoutingTable.TRAIN_SAMPLE)) {
      String[] cols = RoutingTable.inputSchema().fieldNames();
      routing.addAll(RoutingTable.read(spark, out, runId)
          .where(col(RoutingTable.SPLIT).equalTo(RoutingTable.TRAIN_SAMPLE).and(col("step").leq(step)))
          .select(cols[0], java.util.Arrays.copyOfRange(cols, 1, cols.length)).collectAsList());
    }
  }

  void flush() {
    spark.sparkContext().setJobDescription("moe-spark train: write metrics/ and expert_load/ ("
        + variant + ")");
    write(METRICS, metrics);
    write(EXPERT_LOAD, load);
    if (!routing.isEmpty()) {
      RoutingTable.write(spark.createDataFrame(routing, RoutingTable.inputSchema()), out, runId);
    }
  }

  List<Row> metrics() {
    return metrics;
  }

  private void write(String table, List<Row> rows) {
    StructType schema = Tables.schema(table);
    Tables.write(spark.createDataFrame(rows, schema).drop(Tables.RUN_ID), out, table, runId, "variant");
  }

  private List<Row> existing(String table, long upTo) {
    if (!exists(table)) {
      return List.of();
    }
    return Tables.read(spark, out, table, runId)
        .where(col("variant").equalTo(variant).and(col("step").leq(upTo)))
        .collectAsList();
  }

  private boolean exists(String table) {
    return hasPartition(table, "variant=" + variant);
  }

  private boolean hasPartition(String table, String partition) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(Tables.path(out, table),
          Tables.RUN_ID + "=" + runId + "/" + partition);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
