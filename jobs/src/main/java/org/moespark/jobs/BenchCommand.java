package org.moespark.jobs;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks printing throughput and ratios to baselines measured in the same run.",
    subcommands = {BenchModelCommand.class, BenchTokenizerCommand.class, BenchAnalyzeCommand.class,
        BenchTrainCommand.class, BenchCollectiveCommand.class})
final class BenchCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }
}
