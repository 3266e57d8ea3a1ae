package org.moespark.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;
import org.moespark.dist.spark.SparkTrainStage;
import org.moespark.spark.Tables;
import org.moespark.train.TrainLoop;

/**
 * Training throughput of the spark engine at W = 1 and W = 2 barrier tasks (separate executor JVMs
 * on a {@code local-cluster} master) on the same config and global batch, with the share of step
 * time spent in the data-parallel collectives. Tokens/s is the fastest timed step, as in the model
 * bench; the ratio W2/W1 is measured in the same run.
 */
public final class TrainBench {
  private TrainBench() {}

  /** One row of the table. */
  record Row(int workers, double tokensPerS, double stepSeconds, double commShare) {}

  /** With the config of {@code conf} (null: defaults) and {@code sets}; the engine keys are set here. */
  public static List<Row> run(SparkSession spark, Path conf, List<String> sets, int steps, PrintStream out)
      throws java.io.IOException {
    Path dir = Files.createTempDirectory("moe-spark-bench-train");
    String tables = dir.toString();
    PipelineConfig base = PipelineConfig.load(conf, sets);
    int batch = base.train().batchSize();
    List<Row> rows = new ArrayList<>();
    out.printf("bench train: %d layers, d %d, %d experts top-%d, seq %d, global batch %d, %d steps%n",
        base.model().layers(), base.model().dModel(), base.model().experts(), base.model().topK(),
        base.model().seqLen(), batch, steps + 1);
    out.println("workers  tokens/s  step s (mean)  comm share  vs W=1");
    for (int w : new int[] {1, 2}) {
      List<String> all = new ArrayList<>(sets);
      all.addAll(List.of("train.engine=spark", "train.workers=" + w, "train.steps=" + (steps + 1),
          "train.checkpoint-every=" + (steps + 1), "train.eval-every=" + (steps + 1), "train.eval-batches=1",
          "train.log-every=" + (steps + 1)));
      PipelineConfig cfg = PipelineConfig.load(conf, all);
      String runId = "bench-w" + w;
      SyntheticSequences.write(spark, tables, runId, batch * (steps + 1), batch, cfg.model().seqLen(),
          cfg.model().vocabSize());
      TrainLoop.Result r = SparkTrainStage.run(spark, cfg, tables, runId, false, false).get(0);
      double best = Tables.read(spark, tables, "metrics", runId).where("split = 'train' and step > 1")
          .agg(org.apache.spark.sql.functions.max("tokens_per_s")).first().getDouble(0);
      Row row = new Row(w, best, r.stepSeconds() / r.steps(), r.commSeconds() / r.stepSeconds());
      rows.add(row);
      out.printf("%7d  %8.0f  %13.3f  %9.1f%%  %6.2f%n", w, row.tokensPerS(), row.stepSeconds(),
          100 * row.commShare(), row.tokensPerS() / rows.get(0).tokensPerS());
    }
    return rows;
  }
}
