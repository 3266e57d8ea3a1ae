package org.moespark.jobs;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the whole pipeline on the embedded demo corpus.")
final class DemoCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    common.config();
    System.err.println("moe-spark demo: not available yet (issue #3)");
    return 3;
  }
}
