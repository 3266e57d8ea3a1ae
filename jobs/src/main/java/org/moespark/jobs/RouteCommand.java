package org.moespark.jobs;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "route", mixinStandardHelpOptions = true, description = "Log per-token expert choices of a checkpoint to routing/.")
final class RouteCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    common.config();
    System.err.println("moe-spark route: not available yet (issue #7)");
    return 3;
  }
}
