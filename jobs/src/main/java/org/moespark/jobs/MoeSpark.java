package org.moespark.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
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

  /** Runs a command line and returns its exit code (2: bad usage, config, path or I/O). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new MoeSpark());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      String message = userError(e);
      if (message == null) {
        throw e;  // a bug: the stack trace is what its report needs
      }
      cmd.getErr().println("moe-spark " + cmd.getCommandName() + ": " + message);
      return 2;
    });
    return cl.execute(args);
  }

  /**
   * The one-line message of a failure the user can fix (usage, config, a path, I/O such as a full
   * disk), wherever it sits in the cause chain (Spark wraps a task's exception); null for a bug.
   */
  static String userError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String msg = firstLine(t);
      if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
        return "no space left on device" + (msg.equals("No space left on device") ? "" : " (" + msg + ")")
            + "; free space there or give another --out";
      }
      if (t instanceof IllegalArgumentException || t instanceof UncheckedIOException) {
        return msg;
      }
      if (t instanceof AccessDeniedException) {
        return "permission denied: " + msg + "; fix its permissions or give another --out";
      }
      if (t instanceof IOException) {
        return "I/O error: " + msg;
      }
      if (t instanceof AnalysisException a && "PATH_NOT_FOUND".equals(a.getErrorClass())) {
        return msg + "; run the stage that writes it first (ingest, tokenize, train, route, analyze)";
      }
    }
    return null;
  }

  /** The first line of an exception's message (Spark's run to dozens), or its class name. */
  static String firstLine(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    m = m.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }
}
