package org.moespark.dist.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.bench.SyntheticSequences;
import org.moespark.config.PipelineConfig;
import org.moespark.model.MoeTransformer;
import org.moespark.model.ParamBuffer;
import org.moespark.routing.RoutingTable;
import org.moespark.spark.LocalClusterSpark;
import org.moespark.spark.Tables;
import org.moespark.spark.TaskResultBytes;
import org.moespark.train.CheckpointManifest;
import org.moespark.train.CheckpointStore;
import org.moespark.train.Diffs;
import org.moespark.train.TrainLoop;
import org.moespark.train.TrainStage;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The spark engine with its ranks in two executor JVMs ({@code local-cluster}): it trains what the
 * local engine trains, and a run whose executor is killed mid-interval ends where an undisturbed
 * one does.
 */
class SparkEngineTest {
  static final String RUN = "r";
  static SparkSession spark;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = LocalClusterSpark.get();
  }

  static PipelineConfig config(String... extra) {
    List<String> sets = new ArrayList<>(List.of(
        "tokenizer.vocab-size=300", "tokenizer.seq-len=16", "model.d-model=32", "model.heads=2",
        "model.layers=2", "model.ffn-hidden=32", "model.experts=4", "model.top-k=2",
        "train.batch-size=8", "train.steps=12", "train.warmup-steps=2", "train.lr=1e-2",
        "train.log-every=4", "train.eval-every=4", "train.eval-batches=1",
        "train.checkpoint-every=4", "train.keep-checkpoints=5", "train.collective-timeout=60s"));
    sets.addAll(List.of(extra));
    return PipelineConfig.load(null, sets);
  }

  static void writeSequences(String out) {
    SyntheticSequences.write(spark, out, RUN, 64, 8, 16, 300);
  }

  static double[] finalParams(String out, PipelineConfig cfg, long step) {
    CheckpointStore store = new CheckpointStore(TrainStage.checkpointDir(out, RUN, TrainStage.MOE), 5,
        new Configuration());
    CheckpointManifest m = store.manifest(step);
    ParamBuffer pb = MoeTransformer.layout(cfg.model()).allocate(DataType.FLOAT);
    store.load(m, pb, Map.of());
    return pb.params().toDoubleVector();
  }

  static double[] trainLosses(String out) {
    return Tables.read(spark, out, "metrics", RUN).where("split = 'train' and variant = 'moe'")
        .orderBy("step").select("loss").collectAsList().stream().mapToDouble(x -> x.getDouble(0)).toArray();
  }

  @Test
  void twoBarrierTasksInSeparateJvmsTrainWhatTheLocalEngineTrainsAndSurviveAKilledExecutor() {
    PipelineConfig cfg = config();
    String out = dir.resolve("out").toString();
    writeSequences(out);
    // the local engine on the same data and config (its rows and checkpoints under local/)
    String local = dir.resolve("local").toString();
    writeSequences(local);
    TrainLoop.Result l = TrainStage.run(spark, cfg, local, RUN, false, false).get(0);

    PipelineConfig two = config("train.engine=spark", "train.workers=2");
    long t0 = System.nanoTime();
    TrainLoop.Result s = SparkTrainStage.run(spark, two, out, RUN, false, false).get(0);
    System.out.printf("spark engine, 2 executor JVMs: 12 steps in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertThat(s.steps()).isEqualTo(12);
    double[] a = trainLosses(local);
    double[] b = trainLosses(out);
    assertThat(b).hasSize(12);
    for (int i = 0; i < a.length; i++) {
      assertThat(b[i]).as("step %d loss", i + 1).isCloseTo(a[i], within(1e-5 * a[i]));
    }
    assertThat(s.lastValidationCe()).isCloseTo(l.lastValidationCe(), within(1e-5 * l.lastValidationCe()));
    double[] pl = finalParams(local, cfg, 12);
    double[] ps = finalParams(out, cfg, 12);
    assertThat(Diffs.relL2(pl, ps)).as("parameters, relative L2").isLessThan(1e-5);

    // rank 1's executor JVM halts after step 6 (inside the interval 4..8) on the first attempt
    String faulty = dir.resolve("faulty").toString();
    writeSequences(faulty);
    t0 = System.nanoTime();
    SparkTrainStage.run(spark, two, faulty, RUN, false, false, new Fault(1, 6, true));
    System.out.printf("with a killed executor: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertThat(finalParams(faulty, cfg, 12)).as("retried run ends where the undisturbed one did")
        .containsExactly(ps);
    assertThat(trainLosses(faulty)).containsExactly(b);
  }

  @Test
  void expertsShardedOverTwoExecutorJvmsTrainWhatTheLocalEngineTrainsAndSurviveAFailedTask() {
    PipelineConfig cfg = config("model.router=sigmoid", "model.bias-rate=0.01", "model.shared-experts=1",
        "model.shared-hidden=16");
    String local = dir.resolve("local").toString();
    writeSequences(local);
    TrainStage.run(spark, cfg, local, RUN, false, false);

    PipelineConfig ep = config("model.router=sigmoid", "model.bias-rate=0.01", "model.shared-experts=1",
        "model.shared-hidden=16", "train.engine=spark", "train.workers=2", "train.expert-parallel=2",
        "train.route-sample-every=6");
    String out = dir.resolve("ep").toString();
    writeSequences(out);
    SparkTrainStage.run(spark, ep, out, RUN, false, false);
    double[] a = trainLosses(local);
    double[] b = trainLosses(out);
    assertThat(b).hasSize(12);
    for (int i = 0; i < a.length; i++) {
      assertThat(b[i]).as("step %d loss", i + 1).isCloseTo(a[i], within(1e-5 * a[i]));
    }
    double[] pe = finalParams(out, cfg, 12);
    // routing samples at steps 6 and 12 (every rank joined the sample's forward), 8 sequences ×
    // 16 tokens × 2 MoE layers × top-2
    assertThat(RoutingTable.read(spark, out, RUN).where("split = 'train-sample'").count())
        .isEqualTo(2L * 8 * 16 * 2 * 2);
    // float32: the expert GEMMs group rows differently than in one JVM and round differently;
    // ExpertParallelEquivalenceTest shows the same comparison at 2e-15 in float64
    assertThat(Diffs.relL2(finalParams(local, cfg, 12), pe)).as("parameters, relative L2").isLessThan(1e-4);

    // rank 0's task throws after step 10 (interval 8..12) on the first attempt
    String faulty = dir.resolve("ep-faulty").toString();
    writeSequences(faulty);
    SparkTrainStage.run(spark, ep, faulty, RUN, false, false, new Fault(0, 10, false));
    assertThat(finalParams(faulty, cfg, 12)).containsExactly(pe);
    assertThat(trainLosses(faulty)).containsExactly(b);
  }

  @Test
  void whatReachesTheDriverDoesNotGrowWithTheCorpus() throws Exception {
    PipelineConfig cfg = config("train.engine=spark", "train.workers=2", "train.steps=4");
    long[] resultBytes = new long[2];
    int[] sizes = {64, 4096};
    for (int i = 0; i < 2; i++) {
      String out = dir.resolve("n" + sizes[i]).toString();
      SyntheticSequences.write(spark, out, RUN, sizes[i], 8, 16, 300);
      resultBytes[i] = TaskResultBytes.during(spark,
          () -> SparkTrainStage.run(spark, cfg, out, RUN, false, false));
    }
    long corpusBytes = 4096L * 17 * 4;
    System.out.printf("task result bytes at the driver: %d (64 sequences), %d (4096 sequences)%n",
        resultBytes[0], resultBytes[1]);
    // the rows handed back (metrics, loads: 45 KB here) and a count; 64x the corpus changes next
    // to nothing
    assertThat(Math.abs(resultBytes[1] - resultBytes[0])).isLessThan(4096);
    assertThat(resultBytes[1]).isLessThan(corpusBytes / 2);
  }

  @Test
  void executorsWaitPassivelyAndPickTheirBlasKernelsByCpuFeatures() {
    // surefire gives this JVM OPENBLAS_CORETYPE but not OMP_WAIT_POLICY: that one can only come
    // from the session's spark.executorEnv defaults
    List<String> env = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(List.of(0, 1), 2)
        .map(i -> System.getenv("OMP_WAIT_POLICY") + " " + System.getenv("OPENBLAS_CORETYPE"))
        .collect();
    assertThat(env).containsOnly("PASSIVE by-cpu-features");
  }
}
