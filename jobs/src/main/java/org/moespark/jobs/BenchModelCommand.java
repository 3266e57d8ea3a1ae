package org.moespark.jobs;

import java.util.concurrent.Callable;
import org.moespark.model.ModelBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "model", mixinStandardHelpOptions = true,
    description = "Train steps on random tokens: tokens/s, GFLOP/s, MFU vs a measured GEMM peak, "
        + "MoE vs dense and E=64 ratios, and the PyTorch peer when /usr/bin/python3 has torch.")
final class BenchModelCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--steps", defaultValue = "5", description = "Timed steps per variant after one warmup step. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Override
  public Integer call() {
    ModelBench.run(common.config(), steps, System.out);
    return 0;
  }
}
