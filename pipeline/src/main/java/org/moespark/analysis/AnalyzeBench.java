package org.moespark.analysis;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;
import org.moespark.routing.RoutingTable;
import org.moespark.routing.SyntheticRouting;

/**
 * Throughput of the whole analysis: for each size N, writes a synthetic routing table of about N
 * rows ({@link SyntheticRouting#demo}: 2 layers, top-2 of 8) to a temporary directory, runs every
 * metric with the given config and prints seconds per million rows, CPU seconds, and each metric's
 * time and share of the total; then the seconds per million rows of every size side by side, the
 * figure that shows whether cost grows linearly. The sizes run in one JVM, so the first one also
 * pays the JIT's warm-up: list a small size first.
 */
public final class AnalyzeBench {
  private AnalyzeBench() {}

  /** With the default analysis config (999 permutations, 1000 bootstrap resamples). */
  public static void run(SparkSession spark, List<Long> rows, PrintStream out) {
    run(spark, rows, PipelineConfig.defaults().analysis(), out);
  }

  public static void run(SparkSession spark, List<Long> rows, AnalysisConfig config, PrintStream out) {
    List<String> lines = new ArrayList<>();
    for (long n : rows) {
      lines.add(one(spark, n, config, out));
    }
    out.println("analyze: seconds per 1M rows by size (linear cost keeps them level)");
    lines.forEach(out::println);
  }

  /** One size; returns its line of the closing table. */
  private static String one(SparkSession spark, long rows, AnalysisConfig config, PrintStream out) {
    Path dir;
    try {
      dir = Files.createTempDirectory("moe-spark-analyze-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      SyntheticRouting shape = SyntheticRouting.demo(1);
      String root = dir.toString();
      long t0 = System.nanoTime();
      RoutingTable.write(shape.generate(spark, rows, "validation", 1000), root, "bench");
      double writeSeconds = (System.nanoTime() - t0) / 1e9;
      long written = RoutingTable.read(spark, root, "bench").count();
      long bytes = RoutingTable.bytesOnDisk(spark, root, "bench");
      out.printf("routing: %,d rows generated and written in %.1f s, %.2f bytes/row on disk%n",
          written, writeSeconds, (double) bytes / written);
      long cpu0 = processCpuNanos();
      long t1 = System.nanoTime();
      Analyzer.Times times = new Analyzer(config, shape.experts(), shape.topK(), id -> "t" + id)
          .run(spark, root, "bench");
      double total = (System.nanoTime() - t1) / 1e9;
      double cpu = (processCpuNanos() - cpu0) / 1e9;
      double millions = written / 1e6;
      out.printf("  %-22s %7.1f s %4.0f%%  (read once, shared by several metrics)%n", "shared inputs",
          times.inputs(), 100 * times.inputs() / total);
      times.metrics().forEach((table, s) ->
          out.printf("  %-22s %7.1f s %4.0f%%%n", table, s, 100 * s / total));
      out.printf("analyze: %,d rows in %.1f s = %,.0f rows/s, %.2f s per 1M rows (%d permutations, "
              + "%d bootstrap resamples, %d cores)%n",
          written, total, written / total, total / millions, config.permutations(),
          config.bootstrap(), spark.sparkContext().defaultParallelism());
      // CPU time is the steadier figure on a shared machine (local mode: the driver JVM does all).
      int cores = Runtime.getRuntime().availableProcessors();
      out.printf("analyze: %.1f CPU-s in this JVM = %.2f CPU-s per 1M rows, %.0f%% of %d cores busy%n",
          cpu, cpu / millions, 100 * cpu / total / cores, cores);
      return String.format("  %,13d rows %7.2f s per 1M rows %7.2f CPU-s per 1M rows", written,
          total / millions, cpu / millions);
    } finally {
      delete(dir);
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
