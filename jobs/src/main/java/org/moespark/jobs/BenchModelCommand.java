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

  @Option(names = "--steps", defaultValue = "5",
      description = "Timed steps per variant at least. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(names = "--warmup-s", paramLabel = "S", defaultValue = "10",
      description = "Seconds of untimed rounds first (one round at least), so the JIT has compiled the step's "
          + "loops. Default: ${DEFAULT-VALUE}.")
  double warmupSeconds;

  @Option(names = "--timed-s", paramLabel = "S", defaultValue = "10",
      description = "Seconds of timed rounds at least, as well as --steps of them; each variant keeps its fastest "
          + "step, so more rounds give it more chances at a quiet moment on a shared machine. "
          + "Default: ${DEFAULT-VALUE}.")
  double timedSeconds;

  @Override
  public Integer call() {
    ModelBench.run(common.config(), steps, warmupSeconds, timedSeconds, System.out);
    return 0;
  }
}
