package org.moespark.jobs;

import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.moespark.analysis.Analyzer;
import org.moespark.config.PipelineConfig;
import org.moespark.spark.Sessions;
import org.moespark.tokenizer.TokenDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = {"Specialization and load analysis of routing/ into analysis/.",
        "Reads <out>/routing (run --run-id) and writes <out>/analysis/<table> partitioned by run_id "
            + "(a rerun replaces the run): load, specialization, vocab_specialization, top_tokens, "
            + "coactivation, saturation, repetition, divergence, position, significance.",
        "Experts and top-k come from model.experts / model.top-k; permutations, bootstrap "
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
      Map<String, Double> seconds = new Analyzer(config.analysis(), config.model().experts(),
          config.model().topK(), TokenDecoder.of(common.out, common.runId,
          spark.sparkContext().hadoopConfiguration())).run(spark, common.out, common.runId);
      seconds.forEach((table, s) -> System.out.printf("analysis/%s: %.1f s%n", table, s));
    }
    return 0;
  }
}
