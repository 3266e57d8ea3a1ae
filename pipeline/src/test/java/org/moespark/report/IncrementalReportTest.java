package org.moespark.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.analysis.AnalysisConfig;
import org.moespark.analysis.Analyzer;
import org.moespark.routing.RoutingTable;
import org.moespark.routing.SyntheticRouting;
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
  void realAnalyzerRunsOnlyForTheNewRunAndThePageShowsBoth() throws Exception {
    SparkSession spark = LocalSpark.get();
    String out = tmp.resolve("out").toString();
    Path dir = tmp.resolve("report");
    SyntheticRouting shape = new SyntheticRouting(3, 2, 4, 2, 64, 40);
    RunAnalyzer real = (s, o, run) -> {
      analysed.add(run);
      new Analyzer(new AnalysisConfig(49, 40, 0.95, 7, 3, 2), shape.experts(), shape.topK(),
          id -> "t" + id).run(s, o, run);
    };
    RoutingTable.write(shape.generate(spark, 6000, "validation", 100), out, "real-a");

    Report.Result first = Report.build(spark, out, dir, ReportOptions.all(), real);
    assertThat(first.analysed()).containsExactly("real-a");

    RoutingTable.write(shape.generate(spark, 6000, "validation", 100), out, "real-b");
    Report.Result second = Report.build(spark, out, dir, ReportOptions.all(), real);
    assertThat(second.analysed()).containsExactly("real-b");
    assertThat(Report.build(spark, out, dir, ReportOptions.all(), real).analysed()).isEmpty();
    assertThat(analysed).containsExactly("real-a", "real-b");
    assertThat(second.runs()).containsExactly("real-a", "real-b");
    String html = Files.readString(second.index());
    assertThat(html).contains("id=\"run-real-a\"", "id=\"run-real-b\"",
        "routing vs. domain in layer 1: p ", "<code>t");
    // Per run: 4 specialization heatmaps, 2 divergence, repetition, position; routing at one step
    // only, so no saturation chart (it would be one point at 1.0) and the page says why.
    assertThat(second.charts().stream().filter(c -> c.path().contains("/real-b/")))
        .hasSize(8);
    assertThat(html).contains("No saturation chart: it needs routing logged at two or more steps");
  }

  @Test
  void aRunRoutedAgainIsAnalysedAgainAndAFailedRunDoesNotStopTheReport() throws Exception {
    SparkSession spark = LocalSpark.get();
    String out = tmp.resolve("out").toString();
    Path dir = tmp.resolve("report");
    ReportFixtures.routing(spark, out, "run-a");
    ReportFixtures.routing(spark, out, "broken");
    RunAnalyzer failsOnBroken = (s, o, run) -> {
      if (run.equals("broken")) {
        throw new IllegalStateException("no checkpoint for broken");
      }
      analyse(s, o, run);
    };
    Report.Result r = Report.build(spark, out, dir, ReportOptions.all(), failsOnBroken);
    assertThat(r.analysed()).containsExactly("run-a");
    assertThat(r.failed()).containsOnlyKeys("broken");
    assertThat(r.runs()).containsExactly("run-a");
    assertThat(Files.readString(r.index())).contains("id=\"run-run-a\"");
    // Nothing new for run-a; the broken run is tried again, as every report does until it works.
    r = Report.build(spark, out, dir, ReportOptions.all(), failsOnBroken);
    assertThat(r.analysed()).isEmpty();
    assertThat(r.failed()).containsOnlyKeys("broken");

    Thread.sleep(50);
    ReportFixtures.routing(spark, out, "run-a");
    assertThat(Report.build(spark, out, dir, ReportOptions.all(), failsOnBroken).analysed())
        .containsExactly("run-a");
    assertThat(analysed).containsExactly("run-a", "run-a");
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

    ReportOptions onlyOld = new ReportOptions(Set.of("old"), null, List.of("validation"), 0.95);
    Report.Result r = Report.build(spark, out, dir, onlyOld, this::analyse);
    assertThat(r.runs()).containsExactly("old");
    assertThat(r.analysed()).isEmpty();

    ReportOptions since = new ReportOptions(Set.of(), between, List.of("validation"), 0.95);
    r = Report.build(spark, out, dir, since, this::analyse);
    assertThat(r.analysed()).containsExactlyInAnyOrder("new", "old-routed");
    assertThat(r.runs()).containsExactly("new", "old-routed");
    assertThat(Files.readString(r.index())).doesNotContain("id=\"run-old\"", "id=\"run-other\"");

    ReportOptions typo = new ReportOptions(Set.of("olld", "new"), null, List.of("validation"), 0.95);
    assertThatThrownBy(() -> Report.build(spark, out, dir, typo, this::analyse))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--runs olld: no such run under " + out
            + " (runs found: new, old, old-routed, other)");
  }

  /**
   * Two reports rebuild one page at once while a reader polls it: every chart the page links must
   * exist whenever the page is read (the old report emptied assets/ first, for seconds).
   */
  @Test
  void concurrentReportsNeverExposeAPageWithMissingCharts() throws Exception {
    SparkSession spark = LocalSpark.get();
    String out = tmp.resolve("out").toString();
    Path dir = tmp.resolve("report");
    ReportFixtures.training(spark, out, "moe-a", "moe", 1);
    ReportFixtures.routing(spark, out, "moe-a");
    ReportFixtures.analysis(spark, out, "moe-a");
    ReportFixtures.training(spark, out, "dense-b", "dense", 2);
    RunAnalyzer none = (s, o, run) -> fail("nothing to analyse, asked for " + run);
    Report.build(spark, out, dir, ReportOptions.all(), none);
    // Chart directories left long ago (also by the older, flat layout) go on the next report.
    Path stale = Files.createDirectories(dir.resolve("assets/moe-a"));
    Files.writeString(stale.resolve("old.svg"), "<svg/>");
    FileTime hourAgo = FileTime.from(Instant.now().minusSeconds(3600));
    Files.setLastModifiedTime(stale.resolve("old.svg"), hourAgo);
    Files.setLastModifiedTime(stale, hourAgo);

    AtomicBoolean building = new AtomicBoolean(true);
    List<String> missing = new CopyOnWriteArrayList<>();
    AtomicInteger pagesChecked = new AtomicInteger();
    Thread reader = new Thread(() -> {
      Pattern src = Pattern.compile("src=\"([^\"]+)\"");
      while (building.get()) {
        try {
          Matcher m = src.matcher(Files.readString(dir.resolve("index.html")));
          int charts = 0;
          while (m.find()) {
            charts++;
            if (!Files.isRegularFile(dir.resolve(m.group(1)))) {
              missing.add(m.group(1));
            }
          }
          if (charts > 0) {
            pagesChecked.incrementAndGet();
          }
        } catch (java.io.IOException e) {
          missing.add("index.html unreadable: " + e);
        }
      }
    });
    reader.start();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> reports = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        reports.add(pool.submit(() -> {
          for (int k = 0; k < 3; k++) {
            Report.build(spark, out, dir, ReportOptions.all(), none);
          }
          return null;
        }));
      }
      for (Future<?> f : reports) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      building.set(false);
      pool.shutdownNow();
      reader.join();
    }
    assertThat(missing).isEmpty();
    assertThat(pagesChecked.get()).isGreaterThan(10);
    assertThat(stale).doesNotExist();
    String linked = Report.linkedAssets(dir.resolve("index.html"));
    assertThat(dir.resolve(linked)).isDirectory();
    // published for a web server, not only for the user who built it
    assertThat(Files.getPosixFilePermissions(dir.resolve("index.html")))
        .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
  }
}
