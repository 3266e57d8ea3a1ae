package org.moespark.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.TreeMap;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.moespark.spark.Tables;

/**
 * Which runs each table holds, from its {@code run_id=<id>} partition directories (a listing, no
 * Spark job), and when each run's partition last changed.
 */
final class RunCatalog {
  private static final String PREFIX = Tables.RUN_ID + "=";
  private final FileSystem fs;
  private final String out;

  private RunCatalog(FileSystem fs, String out) {
    this.fs = fs;
    this.out = out;
  }

  static RunCatalog of(SparkSession spark, String out) {
    try {
      return new RunCatalog(new Path(out).getFileSystem(spark.sparkContext().hadoopConfiguration()),
          out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Run id → last modification (ms) of its partition: the newest of the run directory and its
   * direct children, so a rewritten split partition or a new file counts.
   */
  Map<String, Long> runs(String table) {
    Map<String, Long> runs = new TreeMap<>();
    try {
      Path root = new Path(Tables.path(out, table));
      if (!fs.exists(root)) {
        return runs;
      }
      for (FileStatus dir : fs.listStatus(root)) {
        String name = dir.getPath().getName();
        if (dir.isDirectory() && name.startsWith(PREFIX)) {
          long modified = dir.getModificationTime();
          for (FileStatus child : fs.listStatus(dir.getPath())) {
            modified = Math.max(modified, child.getModificationTime());
          }
          runs.put(name.substring(PREFIX.length()), modified);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return runs;
  }

  boolean has(String table, String runId) {
    try {
      return fs.exists(new Path(Tables.path(out, table), PREFIX + runId));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs in {@code routing/} whose analysis is missing from any of {@code analysisTables} or older
   * than their routing rows (new steps routed since), among those {@code options} select.
   */
  Collection<String> unanalysed(Collection<String> analysisTables, ReportOptions options) {
    Map<String, Long> routed = runs("routing");
    Map<String, Long> oldest = new TreeMap<>();
    for (String t : analysisTables) {
      runs(t).forEach((run, m) -> oldest.merge(run, m, Math::min));
    }
    return routed.entrySet().stream()
        .filter(e -> options.selects(e.getKey(), e.getValue()))
        .filter(e -> analysisTables.stream().anyMatch(t -> !has(t, e.getKey()))
            || oldest.getOrDefault(e.getKey(), Long.MIN_VALUE) < e.getValue())
        .map(Map.Entry::getKey)
        .toList();
  }
}
