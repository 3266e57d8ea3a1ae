package org.moespark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.spark.LocalSpark;

/** A rerun analyses only runs routed since their analysis, and the page shows every run. */
class IncrementalReportTest {
  @TempDir Path tmp;

  private final List<String> analysed = new ArrayList<>();

  /** Counts calls and writes the run's analysis tables, as the Analyzer does. */
  private void analyse(SparkSession spark, String out, String runId) {
    analysed.add(runId);
    ReportFixtures.analysis(spark, out, runId);
  }

  @Test
  void secondReportAnalysesOnlyTheNewRunAndShowsBoth() throws Exception {
    SparkSession spark = LocalSpark.get();
    String out = tmp.resolve("out").toString();
    Path dir = tmp.resolve("report");
    ReportFixtures.routing(spark, out, "run-a");
    ReportFixtures.training(spark, out, "run-a", "moe", 1);

    Report.Result first = Report.build(spark, out, dir, ReportOptions.all(), this::analyse);
    assertThat(first.analysed()).containsExactly("run-a");
    assertThat(first.runs()).containsExactly("run-a");

    ReportFixtures.routing(spark, out, "run-b");
    Report.Result second = Report.build(spark, out, dir, ReportOptions.all(), this::analyse);
    assertThat(second.analysed()).containsExactly("run-b");
    assertThat(analysed).containsExactly("run-a", "run-b");
    assertThat(second.runs()).containsExactly("run-a", "run-b");
    String html = Files.readString(second.index());
    assertThat(html).contains("id=\"run-run-a\"", "id=\"run-run-b\"", "id=\"compare\"");
    assertThat(second.charts()).anyMatch(c -> c.path().startsWith("assets/run-b/"));

    // Nothing new: nothing analysed, same page.
    assertThat(Report.build(spark, out, dir, ReportOptions.all(), this::analyse).analysed()).isEmpty();

    // run-a routed again (new steps): only run-a is analysed again.
    Thread.sleep(50);
    ReportFixtures.routing(spark, out, "run-a");
    assertThat(Report.build(spark, out, dir, ReportOptions.all(), this::analyse).analysed())
        .containsExactly("run-a");
    assertThat(analysed).containsExactly("run-a", "run-b", "run-a");
  }

  @Test
  void runsAndSinceSelect() throws Exception {
    SparkSession spark = LocalSpark.get();
    String out = tmp.resolve("out").toString();
    Path dir = tmp.resolve("report");
    ReportFixtures.training(spark, out, "old", "dense", 1);
    ReportFixtures.training(spark, out, "other", "dense", 2);
    Thread.sleep(50);
    Instant between = Instant.now();
    Thread.sleep(50);
    ReportFixtures.training(spark, out, "new", "moe", 3);
    ReportFixtures.routing(spark, out, "new");
    ReportFixtures.routing(spark, out, "old-routed");

    ReportOptions onlyOld = new ReportOptions(Set.of("old"), null, List.of("val"), 0.95);
    Report.Result r = Report.build(spark, out, dir, onlyOld, this::analyse);
    assertThat(r.runs()).containsExactly("old");
    assertThat(r.analysed()).isEmpty();

    ReportOptions since = new ReportOptions(Set.of(), between, List.of("val"), 0.95);
    r = Report.build(spark, out, dir, since, this::analyse);
    assertThat(r.analysed()).containsExactlyInAnyOrder("new", "old-routed");
    assertThat(r.runs()).containsExactly("new", "old-routed");
    assertThat(Files.readString(r.index())).doesNotContain("id=\"run-old\"", "id=\"run-other\"");
  }
}
