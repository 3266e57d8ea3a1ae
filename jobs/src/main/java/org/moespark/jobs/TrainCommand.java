package org.moespark.jobs;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Train an MoE (or dense) transformer LM on sequences/.")
final class TrainCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    common.config();
    System.err.println("moe-spark train: not available yet (issue #6)");
    return 3;
  }
}
