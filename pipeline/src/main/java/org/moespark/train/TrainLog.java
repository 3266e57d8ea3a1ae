package org.moespark.train;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.moespark.model.MoeTransformer;
import org.moespark.routing.RoutingSample;
import org.moespark.routing.RoutingTable;
import org.moespark.spark.Tables;
import org.moespark.tokenizer.Sequences;

/**
 * The rows of {@code metrics/}, {@code expert_load/} and the train-sample routing of one (run,
 * variant), on the driver. They are rewritten at every checkpoint, so a killed run keeps its curves
 * up to the checkpoint it resumes from.
 */
public final class TrainLog implements TrainSink {
  static final String METRICS = "metrics";
  static final String EXPERT_LOAD = "expert_load";

  private final SparkSession spark;
  private final String out;
  private final String runId;
  private final String variant;
  private final List<Row> metrics = new ArrayList<>();
  private final List<Row> load = new ArrayList<>();
  private final List<Row> routing = new ArrayList<>();

  private Sequences sample;
  private int sampleSize;

  public TrainLog(SparkSession spark, String out, String runId, String variant) {
    this.spark = spark;
    this.out = out;
    this.runId = runId;
    this.variant = variant;
  }

  /**
   * Samples the routing of the first {@code size} sequences of {@code labelled} (the validation
   * split with its document labels) when the loop asks for it.
   */
  public TrainLog sampleRoutingFrom(Sequences labelled, int size) {
    this.sample = labelled;
    this.sampleSize = size;
    return this;
  }

  @Override
  public void metric(MetricRow r) {
    metrics.add(RowFactory.create(r.step(), r.split(), r.tokensSeen(), r.loss(), r.ce(), r.aux(),
        r.seqAux(), r.z(), r.lr(), r.gradNorm(), r.tokensPerS(), r.droppedFraction(),
        r.maxMeanLoad(), r.skippedSteps(), runId, variant));
  }

  @Override
  public void load(LoadRow r) {
    load.add(RowFactory.create(r.step(), r.layer(), r.expert(), r.tokens(), r.dropped(),
        r.meanGate(), r.bias(), runId, variant));
  }

  @Override
  public void sampleRouting(MoeTransformer model, long step) {
    if (sample != null) {
      routing.addAll(RoutingSample.rows(model, step, sample, sampleSize));
    }
  }

  /** Routing rows of a sample taken elsewhere (a Spark task), in the routing input schema. */
  public void routing(List<Row> rows) {
    routing.addAll(rows);
  }

  @Override
  public void beforeCheckpoint(long step) {
    flush();
  }

  /** On resume: the rows this run wrote up to {@code step}, read back from the tables. */
  public void restoreUpTo(long step) {
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

  public void flush() {
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
