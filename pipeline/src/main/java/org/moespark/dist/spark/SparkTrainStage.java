package org.moespark.dist.spark;

import static org.apache.spark.sql.functions.broadcast;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.moespark.config.PipelineConfig;
import org.moespark.model.ModelConfig;
import org.moespark.tokenizer.Sequences;
import org.moespark.train.BatchPlan;
import org.moespark.train.CheckpointManifest;
import org.moespark.train.CheckpointStore;
import org.moespark.train.Intervals;
import org.moespark.train.MetricRow;
import org.moespark.train.SequenceTable;
import org.moespark.train.TrainConfig;
import org.moespark.train.TrainLog;
import org.moespark.train.TrainLoop;
import org.moespark.train.TrainStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * The train stage on the spark engine (DESIGN §4): one barrier job of {@code train.workers} tasks
 * per checkpoint interval, data parallel. The driver never reads the corpus: per interval it lists
 * the seq_index values each rank needs (bounded by the interval, not the corpus), joins them to
 * {@code sequences/} on the executors and partitions the rows by rank, so each task receives only
 * its own. {@code repartition(1)} after the barrier stage makes it a ShuffleMapStage, which Spark
 * retries whole (XGBoost4J-Spark does the same): every task of the new attempt restarts the interval
 * from its starting checkpoint, so a retried run ends where an undisturbed one would.
 */
public final class SparkTrainStage {
  private static final Logger LOG = LoggerFactory.getLogger(SparkTrainStage.class);
  private static final StructType WANTED = new StructType()
      .add("seq_index", DataTypes.LongType, false).add("rank", DataTypes.IntegerType, false);

  private SparkTrainStage() {}

  public static List<TrainLoop.Result> run(SparkSession spark, PipelineConfig cfg, String out,
      String runId, boolean resume, boolean compareDense) {
    return run(spark, cfg, out, runId, resume, compareDense, null);
  }

  /** With a failure injected into the first attempt of the interval that reaches {@code fault.step()}. */
  public static List<TrainLoop.Result> run(SparkSession spark, PipelineConfig cfg, String out,
      String runId, boolean resume, boolean compareDense, Fault fault) {
    TrainConfig tc = cfg.train();
    int workers = tc.workers();
    TaskSlots.requireSlots(spark, workers);
    spark.sparkContext().setJobDescription("moe-spark train: count sequences/ of run " + runId);
    SequenceTable train = new SequenceTable(spark, out, runId, "train", cfg.model());
    List<Row> evalRows = TrainStage.evalSet(spark, cfg, out, runId);
    String tokenizerHash = TrainStage.tokenizerHash(spark, out, runId);
    Map<String, String> hadoopConf = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> hadoopConf.put(e.getKey(), e.getValue()));
    BatchPlan plan = plan(cfg, train.size());
    LOG.info("train run {} on the spark engine: {} barrier tasks, global batch {} ({} per task), {} train"
        + " sequences read by the tasks", runId, workers, tc.batchSize(), tc.batchSize() / workers, train.size());
    List<TrainLoop.Result> results = new ArrayList<>();
    for (ModelConfig m : TrainStage.variants(cfg, compareDense)) {
      String variant = TrainStage.variantName(m);
      String dir = TrainStage.checkpointDir(out, runId, variant);
      CheckpointStore store = new CheckpointStore(dir, tc.keepCheckpoints(),
          spark.sparkContext().hadoopConfiguration());
      TrainLog log = new TrainLog(spark, out, runId, variant);
      Optional<CheckpointManifest> latest = resume ? store.latest() : Optional.empty();
      long step = latest.map(CheckpointManifest::step).orElse(0L);
      if (latest.isPresent()) {
        log.restoreUpTo(step);
        LOG.info("{}: resuming from checkpoint step {}", variant, step);
      }
      TrainLoop.Result last = null;
      long start = System.nanoTime();
      while (step < tc.steps()) {
        long until = Intervals.end(step, tc);
        spark.sparkContext().setJobDescription(String.format(
            "moe-spark train %s %s: steps %d..%d of %d on %d barrier tasks", runId, variant, step, until,
            tc.steps(), workers));
        IntervalTask task = new IntervalTask(cfg.flat(), hadoopConf, variant, dir,
            train.size(), evalRows, tokenizerHash, step, until, fault);
        long t0 = System.nanoTime();
        IntervalOutput o = runInterval(spark, train, plan, workers, tc.gradAccum(), step, until, task);
        progress(variant, o, until, tc, workers, (System.nanoTime() - t0) / 1e9);
        o.metrics().forEach(log::metric);
        o.loads().forEach(log::load);
        log.routing(o.routing());
        log.flush();
        last = o.result();
        step = until;
      }
      if (last == null) {
        throw new IllegalArgumentException("run " + runId + " " + variant + " is already at step " + step
            + " = train.steps; raise train.steps to train further");
      }
      results.add(TrainStage.logResult(runId, last.withSeconds((System.nanoTime() - start) / 1e9)));
    }
    return results;
  }

  /** The driver's line per interval (the ranks log per step into their executors' logs). */
  private static void progress(String variant, IntervalOutput o, long until, TrainConfig tc, int workers,
      double seconds) {
    List<MetricRow> train = o.metrics().stream().filter(m -> m.split().equals("train")).toList();
    if (train.isEmpty()) {
      return;
    }
    MetricRow last = train.get(train.size() - 1);
    double tokPerS = train.size() * (double) last.tokensSeen() / last.step() / seconds;
    String validation = o.metrics().stream().filter(m -> m.split().equals("validation"))
        .reduce((a, b) -> b).map(m -> String.format(" | validation ce %.4f", m.ce())).orElse("");
    LOG.info(String.format("%s step %d/%d on %d ranks | loss %.4f ce %.4f aux %.4f z %.4f | gnorm %.3f"
            + " | %,.0f tok/s over the interval (checkpoint included) | ETA %s | all-reduce %.0f%%,"
            + " all-to-all %.0f%% of step time%s",
        variant, until, tc.steps(), workers, last.loss(), last.ce(), last.aux(), last.z(), last.gradNorm(),
        tokPerS, TrainLoop.duration((tc.steps() - until) * (double) last.tokensSeen() / last.step() / tokPerS),
        100 * o.result().commSeconds() / Math.max(o.result().stepSeconds(), 1e-9),
        100 * o.result().exchangeSeconds() / Math.max(o.result().stepSeconds(), 1e-9), validation));
  }

  private static IntervalOutput runInterval(SparkSession spark, SequenceTable train, BatchPlan plan,
      int workers, int accum, long from, long until, IntervalTask task) {
    List<Row> wanted = new ArrayList<>();
    for (int r = 0; r < workers; r++) {
      for (long idx : plan.needed(from * accum, until * accum, r, workers)) {
        wanted.add(RowFactory.create(idx, r));
      }
    }
    Dataset<Row> byRank = train.rows().select("seq_index", "tokens")
        .join(broadcast(spark.createDataFrame(wanted, WANTED)), "seq_index");
    JavaPairRDD<Integer, Tuple2<Long, int[]>> rows = byRank.javaRDD()
        .mapToPair(r -> new Tuple2<>(r.<Integer>getAs("rank"), new Tuple2<>(r.<Long>getAs("seq_index"),
            SequenceTable.tokens(r.getList(r.fieldIndex("tokens"))))))
        .partitionBy(new HashPartitioner(workers));
    JavaRDD<IntervalOutput> outs = JavaRDD.fromRDD(rows.rdd().barrier().mapPartitions(
        new BarrierFunction(task), false, ClassTag$.MODULE$.apply(IntervalOutput.class)),
        ClassTag$.MODULE$.apply(IntervalOutput.class));
    List<IntervalOutput> collected = outs.repartition(1).collect();
    if (collected.size() != 1) {
      throw new IllegalStateException("interval " + from + ".." + until + " returned " + collected.size()
          + " results from rank 0, expected 1");
    }
    return collected.get(0);
  }

  static BatchPlan plan(PipelineConfig cfg, long sequences) {
    return BatchPlan.of(cfg.train(), sequences);
  }

  static ModelConfig variantConfig(PipelineConfig cfg, String variant) {
    return TrainStage.variants(cfg, true).stream().filter(m -> TrainStage.variantName(m).equals(variant))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("no model variant " + variant));
  }

  static int[][] evalTokens(Sequences eval, ModelConfig model) {
    return TrainStage.evalTokens(eval, model);
  }
}
