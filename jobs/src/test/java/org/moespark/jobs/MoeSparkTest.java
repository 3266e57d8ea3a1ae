package org.moespark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  @TempDir static Path tmp;

  static Path emptyDir(String name) throws IOException {
    return Files.createDirectories(tmp.resolve(name));
  }

  static Path corpus() throws IOException {
    Path in = emptyDir("corpus");
    Files.writeString(in.resolve("a.jsonl"), "{\"doc_id\":\"a\",\"lang\":\"en\",\"domain\":\"web\",\"text\":\"t\"}\n");
    return in;
  }

  /** A stage run out of order, a missing or empty input, an --out that cannot be written. */
  static Stream<Arguments> mistakes() throws IOException {
    String out = emptyDir("out").toString();
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    String unwritable = file.resolve("out").toString();  // below a regular file: never writable
    return Stream.of(
        Arguments.of(List.of("ingest", "--input", tmp.resolve("nope").toString(), "--out", out),
            "--input " + tmp.resolve("nope") + ": no such file or directory"),
        Arguments.of(List.of("ingest", "--input", emptyDir("empty-in").toString(), "--out", out),
            "the directory holds no input files"),
        Arguments.of(List.of("ingest", "--input", corpus().toString(), "--out", unwritable),
            "--out " + unwritable + " is not writable ("),
        Arguments.of(List.of("tokenize", "--out", out, "--run-id", "r1"),
            "no documents for run r1 at " + out + "/documents/run_id=r1; run `moe-spark ingest"),
        Arguments.of(List.of("train", "--out", out, "--run-id", "r1"),
            "no sequences for run r1 at " + out + "/sequences/run_id=r1/split=train; run `moe-spark tokenize --out "),
        Arguments.of(List.of("route", "--out", out, "--run-id", "r1"),
            "no complete checkpoint under " + out + "/checkpoints/run_id=r1/variant=moe; run `moe-spark train"),
        Arguments.of(List.of("analyze", "--out", out, "--run-id", "r1"),
            "no routing for run r1 at " + out + "/routing/run_id=r1; run `moe-spark route"),
        Arguments.of(List.of("report", "--out", out, "--runs", "../x,a b"),
            "--runs: '../x' is not a run id"),
        Arguments.of(List.of("report", "--out", out, "--report-dir", unwritable),
            "--report-dir " + unwritable + " is not writable ("),
        Arguments.of(List.of("train", "--out", out, "--engine", "gpu"),
            "invalid config: train.engine = gpu: must be one of local|spark|dl4j"),
        Arguments.of(List.of("train", "--out", out, "--set", "model.experts=eight"),
            "invalid config: model.experts = eight: must be a number, e.g. --set model.experts=8"));
  }

  @ParameterizedTest
  @MethodSource("mistakes")
  void aMistakeIsOneLineWithExitCode2BeforeSparkStarts(List<String> args, String message) {
    Run r = run(args.toArray(new String[0]));
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message).doesNotContain("\tat ", "Exception");
    // Hadoop may log a WARN line as it loads (the launcher's log4j2.properties silences it).
    assertThat(r.err().strip().lines().filter(l -> !l.matches("^[0-9/]+ [0-9:]+ WARN .*")))
        .as(r.err()).hasSize(1);
    assertThat(SparkSession.getDefaultSession().isEmpty()).as("a SparkSession was started").isTrue();
  }

  @Test
  void aFullDiskOrIoErrorDeepInSparkIsOneLine() {
    // As Spark reports a task that failed writing: the IOException two causes down.
    Exception full = new SparkException("Job aborted due to stage failure: Task 0 in stage 3.0 failed\n"
        + "\tat org.apache.spark...", new RuntimeException("task failed",
        new IOException("/data/out/documents/part-00000.parquet: No space left on device")));
    assertThat(MoeSpark.userError(full)).isEqualTo("no space left on device (/data/out/documents/"
        + "part-00000.parquet: No space left on device); free space there or give another --out");
    assertThat(MoeSpark.userError(new RuntimeException(new UncheckedIOException("checkpoint x: "
        + "Input/output error", new IOException("Input/output error")))))
        .isEqualTo("checkpoint x: Input/output error");
    assertThat(MoeSpark.userError(new IllegalStateException("a bug"))).isNull();
  }

  @Test
  void reportRejectsABadSinceBeforeSparkStarts() {
    Run r = run("report", "--since", "yesterday");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--since = yesterday: must be a date (2026-11-23) or an instant");
    assertThat(SparkSession.getDefaultSession().isEmpty()).as("a SparkSession was started").isTrue();
  }
}
