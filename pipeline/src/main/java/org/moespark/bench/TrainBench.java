package org.moespark.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;
import org.moespark.dist.spark.SparkTrainStage;
import org.moespark.model.ExpertShard;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeTransformer;
import org.moespark.model.ParamBuffer;
import org.moespark.model.moe.LocalExchange;
import org.moespark.spark.Tables;
import org.moespark.train.TrainConfig;
import org.moespark.train.TrainEngine;
import org.moespark.train.TrainLoop;

/**
 * Training throughput of the spark engine on the same config and global batch: W = 1, W = 2 data
 * parallel and W = 2 with the experts sharded (P = 2), then the dl4j engine at W = 2 when on the
 * classpath, each rank a separate executor JVM on a
 * {@code local-cluster} master, with the share of step time in the gradient all-reduce and in the
 * expert all-to-all. Tokens/s is the fastest timed step, as in the model bench; the ratios are to
 * W = 1 and EP/DP, measured in the same run.
 */
public final class TrainBench {
  private TrainBench() {}

  /** One row of the table. */
  record Row(String engine, double tokensPerS, double stepSeconds, double allReduceShare,
      double allToAllShare) {}

  /** With the config of {@code conf} (null: defaults) and {@code sets}; the engine keys are set here. */
  public static List<Row> run(SparkSession spark, Path conf, List<String> sets, int steps, int memoryMb,
      PrintStream out)
      throws java.io.IOException {
    Path dir = Files.createTempDirectory("moe-spark-bench-train");
    String tables = dir.toString();
    PipelineConfig base = PipelineConfig.load(conf, sets);
    int batch = base.train().batchSize();
    List<Row> rows = new ArrayList<>();
    out.printf("bench train: %d layers, d %d, %d experts top-%d, seq %d, global batch %d, %d steps%n",
        base.model().layers(), base.model().dModel(), base.model().experts(), base.model().topK(),
        base.model().seqLen(), batch, steps + 1);
    out.println("engine          tokens/s  step s (mean)  all-reduce  all-to-all  vs W=1");
    int[][] layouts = {{1, 1}, {2, 1}, {2, 2}};
    for (int[] wp : layouts) {
      int w = wp[0];
      int p = wp[1];
      List<String> all = new ArrayList<>(sets);
      all.addAll(List.of("train.engine=spark", "train.workers=" + w, "train.expert-parallel=" + p,
          "train.steps=" + (steps + 1),
          "train.checkpoint-every=" + (steps + 1), "train.eval-every=" + (steps + 1), "train.eval-batches=1",
          "train.log-every=" + (steps + 1)));
      PipelineConfig cfg = PipelineConfig.load(conf, all);
      String runId = "bench-w" + w + "-p" + p;
      SyntheticSequences.write(spark, tables, runId, batch * (steps + 1), batch, cfg.model().seqLen(),
          cfg.model().vocabSize());
      TrainLoop.Result r = SparkTrainStage.run(spark, cfg, tables, runId, false, false).get(0);
      double best = Tables.read(spark, tables, "metrics", runId).where("split = 'train' and step > 1")
          .agg(org.apache.spark.sql.functions.max("tokens_per_s")).first().getDouble(0);
      Row row = new Row(w == 1 ? "W=1" : p == 1 ? "W=2 data par." : "W=2 experts/2", best,
          r.stepSeconds() / r.steps(), r.commSeconds() / r.stepSeconds(), r.exchangeSeconds() / r.stepSeconds());
      rows.add(row);
      out.printf("%-14s  %8.0f  %13.3f  %9.1f%%  %9.1f%%  %6.2f%n", row.engine(), row.tokensPerS(),
          row.stepSeconds(), 100 * row.allReduceShare(), 100 * row.allToAllShare(),
          row.tokensPerS() / rows.get(0).tokensPerS());
    }
    out.printf("expert parallel / data parallel at W=2: %.2f (goal >= 0.9)%n",
        rows.get(2).tokensPerS() / rows.get(1).tokensPerS());
    dl4j(spark, conf, sets, steps, tables, out).ifPresent(row -> {
      rows.add(row);
      out.printf("%-14s  %8.0f  %13.3f  %10s  %10s  %6.2f%n", row.engine(), row.tokensPerS(),
          row.stepSeconds(), "n/a", "n/a", row.tokensPerS() / rows.get(0).tokensPerS());
      out.printf("dl4j engine / spark engine, W=2 data parallel: %.2f%n",
          row.tokensPerS() / rows.get(1).tokensPerS());
    });
    largestExperts(conf, sets, memoryMb, out);
    return rows;
  }

  /**
   * The dl4j engine (DL4J layers, dl4j-spark parameter averaging) at W = 2 on the same config and
   * global batch, when its module is on the classpath (the jobs jar): tokens/s of the fastest
   * round after the first, as for the spark engine. Its all-reduce share is not measured.
   */
  static java.util.Optional<Row> dl4j(SparkSession spark, Path conf, List<String> sets, int steps,
      String tables, PrintStream out) {
    TrainEngine engine;
    try {
      engine = TrainEngine.named(TrainConfig.Engine.DL4J);
    } catch (IllegalArgumentException e) {
      out.println("dl4j engine skipped: " + e.getMessage());
      return java.util.Optional.empty();
    }
    List<String> all = new ArrayList<>(sets);
    all.addAll(List.of("train.engine=dl4j", "train.workers=2", "train.steps=" + (steps + 1),
        "train.eval-every=" + (steps + 1), "train.eval-batches=1", "train.log-every=1"));
    PipelineConfig cfg = PipelineConfig.load(conf, all);
    String runId = "bench-dl4j-w2";
    int batch = cfg.train().batchSize();
    SyntheticSequences.write(spark, tables, runId, batch * (steps + 1), batch, cfg.model().seqLen(),
        cfg.model().vocabSize());
    TrainLoop.Result r = engine.run(spark, cfg, tables, runId, false, false).get(0);
    double best = Tables.read(spark, tables, "metrics", runId).where("split = 'train' and step > 1")
        .agg(org.apache.spark.sql.functions.max("tokens_per_s")).first().getDouble(0);
    return java.util.Optional.of(new Row("dl4j W=2 d.p.", best, r.stepSeconds() / r.steps(), Double.NaN,
        Double.NaN));
  }

  /**
   * The largest E (a power of two) whose per-rank training state (float32 parameters, gradients
   * and the two AdamW moments, from the layout itself) fits {@code memoryMb}: one rank holding all
   * experts vs two ranks holding half each. Activations are not counted.
   */
  static int[] largestExperts(Path conf, List<String> sets, int memoryMb, PrintStream out) {
    int[] largest = new int[2];
    for (int e = 2; e <= 1 << 16; e *= 2) {
      List<String> all = new ArrayList<>(sets);
      all.addAll(List.of("model.experts=" + e, "train.workers=2", "train.expert-parallel=2"));
      ModelConfig m = PipelineConfig.load(conf, all).model();
      for (int p = 1; p <= 2; p++) {
        ParamBuffer.Builder b = MoeTransformer.layout(m, new ExpertShard(0, e / p, e, LocalExchange::new));
        long bytes = 16L * (b.elements(false) + b.elements(true));
        if (bytes <= memoryMb * (1L << 20)) {
          largest[p - 1] = e;
        }
      }
    }
    out.printf("largest E whose parameters, gradients and AdamW state fit %,d MB per executor:"
        + " W=1 %d, W=2 with P=2 %d (%.1fx; activations not counted)%n", memoryMb, largest[0], largest[1],
        (double) largest[1] / Math.max(largest[0], 1));
    return largest;
  }
}
