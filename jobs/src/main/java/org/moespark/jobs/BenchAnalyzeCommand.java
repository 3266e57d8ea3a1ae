package org.moespark.jobs;

import java.util.List;
import java.util.concurrent.Callable;
import org.moespark.analysis.AnalyzeBench;
import org.moespark.config.PipelineConfig;
import org.moespark.spark.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Throughput of `analyze` on a synthetic routing table (2 layers, top-2 of 8): "
        + "prints seconds per 1M rows at each size and each metric's share; analysis settings from the "
        + "config.")
final class BenchAnalyzeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--rows", paramLabel = "N[,N...]", split = ",",
      defaultValue = "1000000,10000000,30000000",
      description = "Routing rows to generate (one per token, layer, choice), one run per size in "
          + "one JVM; seconds per 1M rows are compared across sizes. Default: ${DEFAULT-VALUE}.")
  List<Long> rows;

  @Override
  public Integer call() {
    PipelineConfig config = common.config();
    AnalyzeBench.run(Sessions.create("moe-spark bench analyze", common.master), rows,
        config.analysis(), System.out);
    return 0;
  }
}
