package org.moespark.jobs;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.moespark.bench.TrainBench;
import org.moespark.spark.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Spark-engine training at 1 and 2 barrier tasks on synthetic sequences: tokens/s, "
        + "step time and the share spent in the all-reduce; then the dl4j engine at 2 workers. Needs a master with 2 task slots in "
        + "separate executors, e.g. --master 'local-cluster[2,1,3072]'.")
final class BenchTrainCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--steps", defaultValue = "5",
      description = "Timed steps per worker count after one warmup step. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(names = "--memory-mb", defaultValue = "3072",
      description = "Executor memory for the largest-E table (local-cluster[2,1,MB] gives each executor MB). Default: ${DEFAULT-VALUE}.")
  int memoryMb;

  @Override
  public Integer call() throws Exception {
    common.config();
    try (SparkSession spark = Sessions.create("moe-spark bench train", common.master)) {
      TrainBench.run(spark, common.conf, common.sets, steps, memoryMb, System.out);
    }
    return 0;
  }
}
