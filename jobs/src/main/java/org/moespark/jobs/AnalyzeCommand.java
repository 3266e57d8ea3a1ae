package org.moespark.jobs;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.moespark.analysis.Analyzer;
import org.moespark.config.PipelineConfig;
import org.moespark.train.CheckpointModel;
import org.moespark.train.RunModel;
import org.moespark.spark.Sessions;
import org.moespark.tokenizer.TokenDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = {"Specialization and load analysis of routing/ into analysis/.",
        "Reads <out>/routing (run --run-id) and writes <out>/analysis/<table> partitioned by run_id "
            + "(a rerun replaces the run): load, specialization, vocab_specialization, top_tokens, "
            + "coactivation, saturation, repetition, divergence, position, significance.",
        "Experts, top-k and the MoE layers come from the run's checkpoint manifest (a contradicting "
            + "--conf/--set is refused; model.experts / model.top-k only for a run without "
            + "checkpoints); permutations, bootstrap "
            + "resamples, CI level, seed and top-token counts from the analysis section "
            + "(e.g. --set analysis.permutations=199)."})
final class AnalyzeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    PipelineConfig config = common.config();
    Preflight.requireRun(common.out, "routing", common.runId, null, "route");
    common.requireWritableOut();
    try (SparkSession spark = Sessions.create("moe-spark analyze", common.master)) {
      CheckpointModel model = RunModel.forRun(common.out, common.runId, config, common.given(),
          spark.sparkContext().hadoopConfiguration());
      System.out.printf("analyze: %d experts, top-%d, MoE layers %s (from the run)%n", model.experts(),
          model.topK(), model.moeLayers());
      Analyzer.Times times = new Analyzer(config.analysis(), model.experts(),
          model.topK(), TokenDecoder.of(common.out, common.runId,
          spark.sparkContext().hadoopConfiguration())).run(spark, common.out, common.runId);
      System.out.printf("shared inputs: %.1f s%n", times.inputs());
      times.metrics().forEach((table, s) -> System.out.printf("analysis/%s: %.1f s%n", table, s));
    }
    return 0;
  }
}
