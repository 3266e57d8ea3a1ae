package org.moespark.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  static final String ASSETS = "assets";
  /** Chart directories written this recently are kept: a concurrent report may be drawing there. */
  static final Duration ASSETS_GRACE = Duration.ofMinutes(10);
  private static final DateTimeFormatter GENERATION =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);
  private static final Pattern LINKED = Pattern.compile("src=\"(" + ASSETS + "/[^/\"]+)/");

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
    requireKnown(catalog, options, out);
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
      Files.createDirectories(dir);
      // Write aside, then swap: this report's charts go to a new directory that no page links
      // yet, and one rename of index.html switches readers from the old charts to the new ones.
      String assets = ASSETS + "/" + GENERATION.format(Instant.now())
          + String.format("-%08x", new SecureRandom().nextInt());
      SvgCharts charts = new SvgCharts(dir, assets);
      List<ChartFile> drawn = new ArrayList<>();
      List<String> sections = new ArrayList<>();
      if (runs.size() > 1) {
        sections.add(Comparison.render(runs, charts, drawn));
      }
      for (RunData d : runs) {
        sections.add(RunSection.render(d, charts, drawn));
      }
      Path index = dir.resolve("index.html");
      String previous = linkedAssets(index);
      Path tmp = Files.createTempFile(dir, ".index.html.", ".tmp");
      Files.writeString(tmp, ReportPage.render(runs, options, MoeVsDense.render(runs), sections, Instant.now()), StandardCharsets.UTF_8);
      if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        // a temporary file is created owner-only; the published page is for the web server too
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Set<String> keep = new java.util.HashSet<>(List.of(assets));
      keep.add(previous);
      keep.add(linkedAssets(index));  // another report's page may have replaced ours already
      removeOldAssets(dir, keep);
      LOG.info("report: {} run(s), {} chart(s) in {}", runs.size(), drawn.size(), index);
      return new Result(List.copyOf(analysed), Map.copyOf(failed),
          runs.stream().map(d -> d.runId).toList(), drawn, index);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A run named in --runs that has no table is a typo; a page without it would not say so. */
  private static void requireKnown(RunCatalog catalog, ReportOptions options, String out) {
    Set<String> known = new java.util.TreeSet<>(catalog.runs("routing").keySet());
    Stream.concat(ANALYSIS_TABLES.stream(), TRAINING_TABLES.stream())
        .forEach(t -> known.addAll(catalog.runs(t).keySet()));
    List<String> unknown = options.runs().stream().filter(r -> !known.contains(r)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("--runs " + String.join(",", unknown) + ": no such run under "
          + out + " (runs found: " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
    }
  }

  /** The assets directory ("assets/<generation>") a page links to, or null. */
  static String linkedAssets(Path index) throws IOException {
    if (!Files.exists(index)) {
      return null;
    }
    Matcher m = LINKED.matcher(Files.readString(index, StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : null;
  }

  /**
   * Deletes chart directories no reader needs: not linked by the page now or by the page this
   * report replaced (a reader may have loaded it a moment ago), and not written in the last
   * {@link #ASSETS_GRACE} (a concurrent report may be drawing into it).
   */
  private static void removeOldAssets(Path dir, Set<String> keep) throws IOException {
    Path root = dir.resolve(ASSETS);
    if (!Files.isDirectory(root)) {
      return;
    }
    long cutoff = System.currentTimeMillis() - ASSETS_GRACE.toMillis();
    try (Stream<Path> entries = Files.list(root)) {
      for (Path p : entries.toList()) {
        if (!keep.contains(ASSETS + "/" + p.getFileName()) && lastWrite(p) < cutoff) {
          deleteRecursively(p);
        }
      }
    }
  }

  private static long lastWrite(Path p) throws IOException {
    try (Stream<Path> all = Files.walk(p)) {
      long newest = 0;
      for (Path f : all.toList()) {
        newest = Math.max(newest, Files.getLastModifiedTime(f).toMillis());
      }
      return newest;
    } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
      return Long.MAX_VALUE;  // changing under us: another report is at work there
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
