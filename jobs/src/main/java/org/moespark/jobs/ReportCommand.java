package org.moespark.jobs;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;
import org.moespark.report.Report;
import org.moespark.report.RunAnalyzer;
import org.moespark.report.ReportOptions;
import org.moespark.spark.Sessions;
import org.moespark.train.RunModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Build the static HTML routing-analysis report (index.html + SVG charts; opens "
        + "from disk, fetches nothing).",
        "Incremental: first analyses every selected run that has routing/ rows but no analysis/ "
            + "(or routing newer than its analysis), then rebuilds the page over analysis/, "
            + "metrics/ and expert_load/ of all selected runs. Schedule it (cron, Airflow) after "
            + "route. --run-id is not used: --runs selects."})
final class ReportCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--report-dir", paramLabel = "DIR",
      description = "Local directory for index.html and assets/. Default: <out>/report.")
  Path reportDir;

  @Option(names = "--runs", paramLabel = "ID", split = ",",
      description = "Only these runs (comma-separated). Default: every run found.")
  List<String> runs = List.of();

  @Option(names = "--since", paramLabel = "WHEN",
      description = "Only runs whose tables changed at or after WHEN: a date (2026-11-23, UTC) or "
          + "an instant (2026-11-23T06:00:00Z). Default: any time.")
  String since;

  @Option(names = "--splits", paramLabel = "SPLIT", split = ",", defaultValue = "validation,test",
      description = "Routing splits to describe, in order of preference. Default: ${DEFAULT-VALUE}.")
  List<String> splits;

  @Override
  public Integer call() {
    PipelineConfig cfg = common.config();
    for (String run : runs) {
      // Each id must be one a stage could have written: '../x' or 'a b' would match no run silently.
      if (!run.matches(CommonOptions.RUN_ID)) {
        throw new IllegalArgumentException("--runs: '" + run + "' is not a run id (letters, digits, "
            + "'_', '.', '-'); give ids separated by commas without spaces, e.g. --runs run-a,run-b");
      }
    }
    ReportOptions options = ReportOptions.of(new HashSet<>(runs), since(), splits, cfg.analysis());
    Path dir = reportDir != null ? reportDir : localDir(common.out).resolve("report");
    Preflight.writableLocal(dir, reportDir != null ? "--report-dir" : "--out");
    RunModel.refuseContradictions(common.out, runs, common.given(), Preflight.hadoopConf());
    try (SparkSession spark = Sessions.create("moe-spark report", common.master)) {
      Report.Result r = Report.build(spark, common.out, dir, options, RunAnalyzer.of(cfg, common.given()));
      System.out.printf("report: analysed %d run(s) %s; %d run(s) and %d chart(s) in %s%n",
          r.analysed().size(), r.analysed(), r.runs().size(), r.charts().size(), r.index());
      r.failed().forEach((run, error) ->
          System.err.printf("report: analysis of run %s failed (left out, retried next time): %s%n", run, error));
      // Non-zero so a scheduler shows the failure, though the page was rebuilt.
      return r.failed().isEmpty() ? 0 : 1;
    }
  }

  private Instant since() {
    if (since == null) {
      return null;
    }
    try {
      return since.contains("T") ? Instant.parse(since)
          : LocalDate.parse(since).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--since = " + since
          + ": must be a date (2026-11-23) or an instant (2026-11-23T06:00:00Z)");
    }
  }

  /** The report is written with java.nio: a Hadoop URI --out needs an explicit --report-dir. */
  private static Path localDir(String out) {
    if (out.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") && !out.startsWith("file:")) {
      throw new IllegalArgumentException("--out = " + out
          + " is not a local path: give --report-dir for the HTML report");
    }
    return Path.of(out.replaceFirst("^file:(//)?", ""));
  }
}
