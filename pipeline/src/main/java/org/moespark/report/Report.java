package org.moespark.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code moe-spark report}: analyses the selected runs that have routing rows but no (or older)
 * analysis, then rebuilds {@code <dir>/index.html} and its SVG charts over analysis/, metrics/ and
 * expert_load/. The page opens from disk; nothing is fetched at view time.
 */
public final class Report {
  private static final Logger LOG = LoggerFactory.getLogger(Report.class);
  /** The analysis tables the report reads; a run counts as analysed when it has all of them. */
  static final List<String> ANALYSIS_TABLES = List.of("analysis/load", "analysis/specialization",
      "analysis/significance", "analysis/top_tokens", "analysis/divergence",
      "analysis/repetition", "analysis/position", "analysis/saturation");
  private static final List<String> TRAINING_TABLES = List.of("metrics", "expert_load");

  private Report() {}

  /**
   * @param analysed runs analysed by this call (new, or routed again since their analysis)
   * @param failed runs whose analysis failed, with the error; the page is built without them
   *     and the next report tries them again
   * @param runs runs on the page
   * @param charts charts drawn, with their files under the report directory
   */
  public record Result(List<String> analysed, Map<String, String> failed, List<String> runs,
      List<ChartFile> charts, Path index) {}

  public static Result build(SparkSession spark, String out, Path dir, ReportOptions options,
      RunAnalyzer analyzer) {
    RunCatalog catalog = RunCatalog.of(spark, out);
    List<String> analysed = new ArrayList<>();
    Map<String, String> failed = new TreeMap<>();
    // One broken run must not stop a scheduled report from covering the others.
    for (String run : catalog.unanalysed(ANALYSIS_TABLES, options)) {
      long t0 = System.nanoTime();
      try {
        analyzer.analyse(spark, out, run);
        analysed.add(run);
        LOG.info("report: analysed run {} in {} s", run, (System.nanoTime() - t0) / 1_000_000_000L);
      } catch (RuntimeException e) {
        LOG.error("report: analysis of run {} failed", run, e);
        failed.put(run, String.valueOf(e.getMessage()));
      }
    }
    Map<String, Long> found = new TreeMap<>();
    Stream.concat(ANALYSIS_TABLES.stream(), TRAINING_TABLES.stream())
        .forEach(t -> catalog.runs(t).forEach((run, m) -> found.merge(run, m, Math::max)));
    List<RunData> runs = found.entrySet().stream()
        .filter(e -> options.selects(e.getKey(), e.getValue()))
        .map(e -> RunData.read(spark, out, e.getKey(), catalog, options.splits()))
        .toList();
    try {
      deleteRecursively(dir.resolve("assets"));
      Files.createDirectories(dir);
      SvgCharts charts = new SvgCharts(dir);
      List<ChartFile> drawn = new ArrayList<>();
      List<String> sections = new ArrayList<>();
      if (runs.size() > 1) {
        sections.add(Comparison.render(runs, charts, drawn));
      }
      for (RunData d : runs) {
        sections.add(RunSection.render(d, charts, options.ciLevel(), drawn));
      }
      // Replace the page in one rename, so a browser or web server never sees half a page.
      Path index = dir.resolve("index.html");
      Path tmp = dir.resolve("index.html.tmp");
      Files.writeString(tmp, ReportPage.render(runs, options.ciLevel(), sections, Instant.now()), StandardCharsets.UTF_8);
      Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      LOG.info("report: {} run(s), {} chart(s) in {}", runs.size(), drawn.size(), index);
      return new Result(List.copyOf(analysed), Map.copyOf(failed),
          runs.stream().map(d -> d.runId).toList(), drawn, index);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> all = Files.walk(p)) {
      for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
