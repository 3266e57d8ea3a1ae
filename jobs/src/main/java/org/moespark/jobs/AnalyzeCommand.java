package org.moespark.jobs;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "analyze", mixinStandardHelpOptions = true, description = "Specialization and load analysis of routing/ into analysis/.")
final class AnalyzeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    common.config();
    System.err.println("moe-spark analyze: not available yet (issue #7)");
    return 3;
  }
}
