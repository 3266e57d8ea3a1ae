package org.moespark.jobs;

import java.util.concurrent.Callable;
import org.moespark.analysis.AnalyzeBench;
import org.moespark.config.PipelineConfig;
import org.moespark.spark.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Throughput of `analyze` on a synthetic routing table (2 layers, top-2 of 8): "
        + "prints rows/s and seconds per 1M rows; analysis settings from the config.")
final class BenchAnalyzeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--rows", paramLabel = "N", defaultValue = "100000000",
      description = "Routing rows to generate (one per token, layer, choice). Default: ${DEFAULT-VALUE}.")
  long rows;

  @Override
  public Integer call() {
    PipelineConfig config = common.config();
    AnalyzeBench.run(Sessions.create("moe-spark bench analyze", common.master), rows,
        config.analysis(), System.out);
    return 0;
  }
}
