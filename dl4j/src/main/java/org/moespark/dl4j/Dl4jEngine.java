package org.moespark.dl4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.util.ModelSerializer;
import org.moespark.config.PipelineConfig;
import org.moespark.model.LossParts;
import org.moespark.model.ModelConfig;
import org.moespark.train.BatchPlan;
import org.moespark.train.CosineSchedule;
import org.moespark.train.MetricRow;
import org.moespark.train.SequenceTable;
import org.moespark.train.TrainConfig;
import org.moespark.train.TrainEngine;
import org.moespark.train.TrainLog;
import org.moespark.train.TrainLoop;
import org.moespark.train.TrainStage;
import org.moespark.tokenizer.Sequences;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code train.engine = dl4j}: the {@link MoeLm} network trained data parallel by dl4j-spark's
 * {@link ParameterAveragingTrainingMaster} over {@code train.workers} partitions (expert
 * parallelism is the spark engine's). One averaging round = {@code train.dl4j-averaging-frequency}
 * steps: each worker takes its rank's rows of those global batches ({@link BatchPlan}, the order
 * every engine uses), fits them as local minibatches of batch-size/workers, and the driver averages
 * parameters and updater state ({@code saveUpdater(true)}; a worker's network starts at the round's
 * global step through {@link RoundStart}). {@code metrics/} gets a train row per {@code log-every} steps and a
 * validation row per {@code eval-every}, measured on the driver with the averaged network
 * ({@link LmLoss}: the round's first global batch, the fixed evaluation set); grad_norm and
 * max_mean_load are not measured here: NaN, so that no chart reads them as a norm of 0 or a
 * perfectly even load. The network is saved with {@link ModelSerializer} as
 * {@value #MODEL_FILE} in the variant's checkpoint directory.
 */
public final class Dl4jEngine implements TrainEngine {
  private static final Logger LOG = LoggerFactory.getLogger(Dl4jEngine.class);
  public static final String MODEL_FILE = "dl4j-model.zip";
  static final String AVERAGING_KEY = "train.dl4j-averaging-frequency";

  @Override
  public String name() {
    return "dl4j";
  }

  @Override
  public List<TrainLoop.Result> run(SparkSession spark, PipelineConfig cfg, String out, String runId,
      boolean resume, boolean compareDense) {
    if (resume || compareDense) {
      throw new IllegalArgumentException("train.engine = dl4j does not support "
          + (resume ? "--resume" : "--compare-dense") + " (it saves one network at the end);"
          + " drop the flag or use train.engine = local or spark");
    }
    ModelConfig m = cfg.model();
    TrainConfig tc = cfg.train();
    int rounds = cfg.raw().getInt(AVERAGING_KEY);
    SequenceTable train = new SequenceTable(spark, out, runId, "train", m);
    BatchPlan plan = BatchPlan.of(tc, train.size());
    int[][] eval = evalSet(spark, cfg, out, runId);
    ComputationGraph net = new ComputationGraph(MoeLm.configuration(m, tc));
    net.init();
    LOG.info("train run {} on the dl4j engine: {} parameters, {} workers x {} sequences, averaging every {} steps",
        runId, net.numParams(), tc.workers(), tc.batchSize() / tc.workers(), rounds);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ParameterAveragingTrainingMaster master = master(tc, rounds);
    SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, net, master);
    TrainLog log = new TrainLog(spark, out, runId, TrainStage.MOE);
    CosineSchedule lr = CosineSchedule.of(tc);
    long tokensSeen = 0;
    double fitSeconds = 0;
    double roundTokensPerS = 0;
    LossParts train0 = null;
    double validation = Double.NaN;
    long wall0 = System.nanoTime();
    for (int from = 0; from < tc.steps(); from += rounds) {
      int to = Math.min(tc.steps(), from + rounds);
      spark.sparkContext().setJobDescription("moe-spark train (dl4j): steps " + (from + 1) + ".." + to);
      List<DataSet> rows = rankMajor(train, plan, from, to, tc.workers());
      long t0 = System.nanoTime();
      // the workers' networks start at iteration 0 (RoundStart): the schedule's step and Adam's t
      master.setTrainingHookList(List.of(new RoundStart(from)));
      sparkNet.fit(jsc.parallelize(rows, tc.workers()));
      double seconds = (System.nanoTime() - t0) / 1e9;
      fitSeconds += seconds;
      long tokens = (long) (to - from) * tc.batchSize() * m.seqLen();
      tokensSeen += tokens;
      roundTokensPerS = tokens / seconds;
      net = sparkNet.getNetwork();
      boolean last = to == tc.steps();
      if (crossed(from, to, tc.logEvery()) || last) {
        train0 = LmLoss.of(net, m, train.read(plan.needed(from, from + 1, 0, 1)), tc.batchSize());
        log.metric(new MetricRow(to, "train", tokensSeen, train0.total(), train0.ce(), train0.aux(),
            train0.seqAux(), train0.z(), lr.at(to - 1), Double.NaN, roundTokensPerS, 0, Double.NaN, 0));
        LOG.info(String.format("step %d: loss %.4f ce %.4f aux %.4f z %.4f, %.0f tokens/s", to,
            train0.total(), train0.ce(), train0.aux(), train0.z(), roundTokensPerS));
      }
      if (crossed(from, to, tc.evalEvery()) || last) {
        validation = LmLoss.of(net, m, eval, tc.batchSize()).ce();
        log.metric(new MetricRow(to, "validation", tokensSeen, validation, validation, 0, 0, 0,
            lr.at(to - 1), 0, 0, 0, 0, 0));
      }
    }
    log.flush();
    save(spark, net, modelPath(out, runId));
    double wall = (System.nanoTime() - wall0) / 1e9;
    LOG.info(String.format("train run %s (dl4j): %d steps, %.0f tokens/s over the fits, validation ce %.4f",
        runId, tc.steps(), tokensSeen / fitSeconds, validation));
    return List.of(new TrainLoop.Result(TrainStage.MOE, tc.steps(), 0, tokensSeen, train0.ce(),
        validation, Double.NaN, wall, fitSeconds, 0, 0));
  }

  /** The saved network reloaded, scored on the curves' fixed evaluation set. */
  @Override
  public String finalValidation(SparkSession spark, PipelineConfig cfg, String out, String runId,
      String variant) {
    Path path = modelPath(out, runId);
    ComputationGraph net = load(spark, path);
    int[][] eval = evalSet(spark, cfg, out, runId);
    double ce = LmLoss.of(net, cfg.model(), eval, cfg.train().batchSize()).ce();
    return String.format("%s (dl4j): validation ce %.4f over the %d sequences of the curves' evaluation set,"
        + " network reloaded from %s", variant, ce, eval.length, path);
  }

  static Path modelPath(String out, String runId) {
    return new Path(TrainStage.checkpointDir(out, runId, TrainStage.MOE), MODEL_FILE);
  }

  static ComputationGraph load(SparkSession spark, Path path) {
    try (InputStream in = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path)) {
      return ModelSerializer.restoreComputationGraph(in, true);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the dl4j network " + path, e);
    }
  }

  private static void save(SparkSession spark, ComputationGraph net, Path path) {
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path tmp = path.suffix(".tmp");
      try (OutputStream os = fs.create(tmp, true)) {
        ModelSerializer.writeModel(net, os, true);
      }
      fs.delete(path, false);
      if (!fs.rename(tmp, path)) {
        throw new IOException("rename " + tmp + " -> " + path + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing the dl4j network " + path, e);
    }
  }

  static ParameterAveragingTrainingMaster master(TrainConfig tc, int rounds) {
    // One DataSet per sequence; partitions kept as built (rank r's rows in partition r).
    return new ParameterAveragingTrainingMaster.Builder(tc.workers(), 1)
        .batchSizePerWorker(tc.batchSize() / tc.workers())
        .averagingFrequency(rounds)
        // Adam's moments carried across rounds (dl4j-spark's default drops them: every round would restart Adam)
        .saveUpdater(true)
        .workerPrefetchNumBatches(0)
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .repartionData(Repartition.Never)
        .rngSeed(tc.seed())
        .build();
  }

  /**
   * The sequences of global batches [from, to) as single-sequence DataSets, rank r's rows of every
   * batch together and in step order, so {@code parallelize(rows, W)} puts them in partition r.
   */
  private static List<DataSet> rankMajor(SequenceTable train, BatchPlan plan, int from, int to, int workers) {
    java.util.stream.LongStream.Builder order = java.util.stream.LongStream.builder();
    for (int r = 0; r < workers; r++) {
      for (int p = from; p < to; p++) {
        for (long idx : plan.needed(p, p + 1, r, workers)) {
          order.add(idx);
        }
      }
    }
    List<DataSet> rows = new ArrayList<>();
    for (int[] seq : train.read(order.build().toArray())) {
      rows.add(Batches.of(new int[][] {seq}));
    }
    return rows;
  }

  private static int[][] evalSet(SparkSession spark, PipelineConfig cfg, String out, String runId) {
    return TrainStage.evalTokens(Sequences.of(TrainStage.evalSet(spark, cfg, out, runId).iterator()),
        cfg.model());
  }

  /** Whether a multiple of {@code every} lies in (from, to]. */
  private static boolean crossed(int from, int to, int every) {
    return to / every > from / every;
  }
}
