package org.moespark.jobs;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: {@code moe-spark <stage> [options]}, locally or under spark-submit. */
@Command(name = "moe-spark", mixinStandardHelpOptions = true, version = "moe-spark 0.1.0",
    description = "Train Mixture-of-Experts language models on Spark and explain what their experts learned.",
    subcommands = {
        IngestCommand.class,
        TokenizeCommand.class,
        TrainCommand.class,
        RouteCommand.class,
        AnalyzeCommand.class,
        ReportCommand.class,
        BenchCommand.class,
        DemoCommand.class,
        CommandLine.HelpCommand.class})
public final class MoeSpark implements Callable<Integer> {

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs a command line and returns its exit code (2: bad usage or config). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new MoeSpark());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalArgumentException) {
        cmd.getErr().println("moe-spark " + cmd.getCommandName() + ": " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }
}
