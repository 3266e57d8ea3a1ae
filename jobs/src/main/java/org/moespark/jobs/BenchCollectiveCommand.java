package org.moespark.jobs;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.moespark.dist.CollectiveBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "collective", mixinStandardHelpOptions = true,
    description = "All-reduce and all-to-all-v GB/s (algorithm and bus bandwidth) between child "
        + "JVMs over the Netty transport on loopback, next to a plain loopback socket copy "
        + "measured in the same run.")
final class BenchCollectiveCommand implements Callable<Integer> {
  @Option(names = "--ranks", split = ",", paramLabel = "N", defaultValue = "2,4",
      description = "World sizes (processes). Default: ${DEFAULT-VALUE}.")
  List<Integer> ranks;

  @Option(names = "--sizes-mb", split = ",", paramLabel = "MB", defaultValue = "1,4,16,64",
      description = "Vector sizes in MiB. Default: ${DEFAULT-VALUE}.")
  List<Integer> sizesMb;

  @Option(names = "--iterations", paramLabel = "N", defaultValue = "0",
      description = "Timed calls per size; 0 picks by size. Default: ${DEFAULT-VALUE}.")
  int iterations;

  @Option(names = "--timeout-s", paramLabel = "S", defaultValue = "60",
      description = "Deadline of every wait inside the collective. Default: ${DEFAULT-VALUE}.")
  int timeoutSeconds;

  @Override
  public Integer call() {
    CollectiveBench.run(new CollectiveBench.Settings(ranks, sizesMb, iterations,
        Duration.ofSeconds(timeoutSeconds)), System.out);
    return 0;
  }
}
