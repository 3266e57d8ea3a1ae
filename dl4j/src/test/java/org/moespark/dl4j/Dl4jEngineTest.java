package org.moespark.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.bench.SyntheticSequences;
import org.moespark.config.PipelineConfig;
import org.moespark.spark.Sessions;
import org.moespark.spark.Tables;
import org.moespark.tokenizer.Sequences;
import org.moespark.train.TrainConfig;
import org.moespark.train.TrainEngine;
import org.moespark.train.TrainLoop;
import org.moespark.train.TrainStage;
import org.nd4j.linalg.dataset.DataSet;

/** train.engine = dl4j on local[2]: two dl4j-spark workers, metrics/ rows, a reloadable network. */
class Dl4jEngineTest {
  static final String RUN = "r";
  static SparkSession spark;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = Sessions.create("dl4j engine test", "local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void aWorkerRoundRunsAtItsGlobalStepLikeALocalFit() {
    PipelineConfig cfg = PipelineConfig.load(null, List.of("tokenizer.vocab-size=300", "tokenizer.seq-len=8",
        "model.d-model=8", "model.heads=2", "model.layers=1", "model.ffn-hidden=8", "model.experts=2",
        "model.top-k=1", "train.workers=1", "train.batch-size=2", "train.steps=4", "train.warmup-steps=4",
        "train.lr=1e-2", "train.clip-norm=0"));
    TrainConfig tc = cfg.train();
    ComputationGraph net = new ComputationGraph(MoeLm.configuration(cfg.model(), tc));
    net.init();
    ComputationGraph local = net.clone();
    Random r = new Random(3);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ParameterAveragingTrainingMaster master = Dl4jEngine.master(tc, 1);
    SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, net, master);
    for (int step = 0; step < tc.steps(); step++) {
      int[][] batch = new int[2][9];
      List<DataSet> rows = new ArrayList<>();
      for (int[] seq : batch) {
        for (int p = 0; p < seq.length; p++) {
          seq[p] = r.nextInt(300);
        }
        rows.add(Batches.of(new int[][] {seq}));
      }
      local.fit(Batches.of(batch));
      master.setTrainingHookList(List.of(new RoundStart(step)));
      sparkNet.fit(jsc.parallelize(rows, 1));
    }
    // without RoundStart every worker round runs at iteration 0 (lr/warmup, Adam's t = 1); without
    // saveUpdater every round restarts Adam from zero moments
    assertThat(sparkNet.getNetwork().params().sub(local.params()).amaxNumber().doubleValue())
        .isLessThan(1e-5);
  }

  @Test
  void trainsWithTwoWorkersWritesMetricsAndReloadsToTheSameValidationLoss() {
    PipelineConfig cfg = PipelineConfig.load(null, new ArrayList<>(List.of(
        "tokenizer.vocab-size=300", "tokenizer.seq-len=16", "model.d-model=32", "model.heads=2",
        "model.layers=2", "model.ffn-hidden=32", "model.experts=4", "model.top-k=2",
        "train.engine=dl4j", "train.workers=2", "train.batch-size=8", "train.steps=8",
        "train.warmup-steps=2", "train.lr=1e-2", "train.log-every=4", "train.eval-every=4",
        "train.eval-batches=1")));
    String out = dir.resolve("out").toString();
    SyntheticSequences.write(spark, out, RUN, 64, 8, 16, 300);

    TrainEngine engine = TrainEngine.named(TrainConfig.Engine.DL4J);
    TrainLoop.Result r = engine.run(spark, cfg, out, RUN, false, false).get(0);
    assertThat(r.steps()).isEqualTo(8);
    assertThat(r.tokensSeen()).isEqualTo(8L * 8 * 16);

    List<Row> rows = Tables.read(spark, out, "metrics", RUN).where("variant = 'moe'")
        .orderBy("split", "step").select("split", "step", "loss", "ce", "aux", "z").collectAsList();
    assertThat(rows).extracting(x -> x.getString(0) + x.getLong(1)).containsExactly(
        "train4", "train8", "validation4", "validation8");
    assertThat(rows.get(1).getDouble(2)).as("train loss falls").isLessThan(rows.get(0).getDouble(2));
    assertThat(rows.get(3).getDouble(3)).as("validation ce falls").isLessThan(rows.get(2).getDouble(3));
    assertThat(rows.get(0).getDouble(4)).as("aux (1 = balanced)").isGreaterThan(0.5);
    assertThat(rows.get(0).getDouble(5)).as("z").isPositive();

    ComputationGraph reloaded = Dl4jEngine.load(spark, Dl4jEngine.modelPath(out, RUN));
    int[][] eval = TrainStage.evalTokens(
        Sequences.of(TrainStage.evalSet(spark, cfg, out, RUN).iterator()), cfg.model());
    double ce = LmLoss.of(reloaded, cfg.model(), eval, 8).ce();
    assertThat(ce).as("reloaded validation ce").isCloseTo(r.lastValidationCe(), within(1e-6));
    assertThat(rows.get(3).getDouble(3)).isCloseTo(ce, within(1e-6));
    assertThat(engine.finalValidation(spark, cfg, out, RUN, "moe")).contains(String.format("%.4f", ce));
  }
}
