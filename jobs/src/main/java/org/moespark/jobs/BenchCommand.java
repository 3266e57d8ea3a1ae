package org.moespark.jobs;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (tokenizer, model) printing throughput and ratios to baselines.")
final class BenchCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    common.config();
    System.err.println("moe-spark bench: not available yet (issue #5)");
    return 3;
  }
}
