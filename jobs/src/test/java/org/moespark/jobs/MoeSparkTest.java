package org.moespark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The command line in-process. No test here may start Spark: it checks that none was started. */
class MoeSparkTest {

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = MoeSpark.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  static Stream<Arguments> impossibleValues() {
    return Stream.of(
        Arguments.of("model.top-k=9", "model.top-k = 9: must be in [1, model.experts] = [1, 8]"),
        Arguments.of("model.capacity-factor=-1", "model.capacity-factor = -1"),
        Arguments.of("model.heads=3", "model.d-model = 128: must be divisible by model.heads (3)"),
        Arguments.of("train.expert-parallel=3", "train.expert-parallel = 3: must divide train.workers (4)"),
        Arguments.of("model.experts=6", "model.experts = 6: must be divisible by train.expert-parallel (4)"),
        Arguments.of("model.typo=1", "model.typo = 1: unknown key"));
  }

  @ParameterizedTest
  @MethodSource("impossibleValues")
  void anImpossibleConfigFailsBeforeSparkStarts(String set, String message) {
    List<String> args = new ArrayList<>(List.of("ingest", "--input", "/nonexistent",
        "--set", "train.workers=4", "--set", "train.expert-parallel=4", "--set", set));
    Run r = run(args.toArray(new String[0]));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("invalid config: " + message);
    assertThat(SparkSession.getDefaultSession().isEmpty()).as("a SparkSession was started").isTrue();
  }

  @Test
  void everyCommandExplainsEveryOptionWithItsDefault() {
    CommandLine root = new CommandLine(new MoeSpark());
    assertThat(root.getSubcommands().keySet()).contains(
        "ingest", "tokenize", "train", "route", "analyze", "report", "bench", "demo");
    for (var e : root.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      String usage = e.getValue().getUsageMessage();
      for (var opt : e.getValue().getCommandSpec().options()) {
        assertThat(opt.description()).as("%s %s", e.getKey(), opt.longestName()).isNotEmpty();
      }
      assertThat(usage).as(e.getKey()).contains("--conf", "--set", "--master", "--out", "--run-id",
          "Default: out", "Default: demo");
    }
  }

  @Test
  void reportRejectsABadSinceBeforeSparkStarts() {
    Run r = run("report", "--since", "yesterday");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--since = yesterday: must be a date (2026-11-23) or an instant");
    assertThat(SparkSession.getDefaultSession().isEmpty()).as("a SparkSession was started").isTrue();
  }
}
