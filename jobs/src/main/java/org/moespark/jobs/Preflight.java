package org.moespark.jobs;

import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.moespark.spark.Tables;

/**
 * Mistakes a user can fix, caught before Spark starts (which takes 15 s or more): a stage run
 * before the one that writes its input, an {@code --out} that cannot be written. Each failure is
 * an {@link IllegalArgumentException} whose message names the path and the fix.
 */
final class Preflight {
  private Preflight() {}

  /**
   * The Hadoop configuration Spark will use: defaults, *-site.xml, then the spark.hadoop.* settings
   * spark-submit passes as system properties (read directly: a SparkConf would start Spark's
   * logging, printing warnings before the one line).
   */
  static Configuration hadoopConf() {
    Configuration conf = new Configuration();
    String prefix = "spark.hadoop.";
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith(prefix)) {
        conf.set(key.substring(prefix.length()), System.getProperty(key));
      }
    }
    return conf;
  }

  /**
   * Creates {@code out} and writes and deletes a probe file in it: a permission check alone would
   * pass for root on a read-only mount, and the stage would fail only after its work.
   */
  static void writable(String out, String option) {
    Path dir = new Path(out);
    Path probe = new Path(dir, ".moe-spark-write-check-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    try {
      FileSystem fs = dir.getFileSystem(hadoopConf());
      if (!fs.mkdirs(dir)) {
        throw new IOException("cannot create the directory");
      }
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(option + " " + out + " is not writable ("
          + MoeSpark.firstLine(e) + "); give a writable " + option);
    }
  }

  /** A local directory (the report's), checked like {@link #writable(String, String)}. */
  static void writableLocal(java.nio.file.Path dir, String option) {
    try {
      Files.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, ".moe-spark-write-check-", ""));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(option + " " + dir + " is not writable ("
          + MoeSpark.firstLine(e) + "); give a writable " + option);
    }
  }

  /**
   * Requires {@code <out>/<table>/run_id=<runId>[/<partition>]} to hold data files.
   *
   * @param producer the stage that writes it, named in the fix
   */
  static void requireRun(String out, String table, String runId, String partition, String producer) {
    String path = Tables.path(out, table) + "/" + Tables.RUN_ID + "=" + runId
        + (partition == null ? "" : "/" + partition);
    if (!hasData(path)) {
      throw new IllegalArgumentException("no " + table + " for run " + runId + " at " + path
          + "; run `moe-spark " + producer + " --out " + out + " --run-id " + runId + "` first");
    }
  }

  /** Whether the directory exists and holds a file that is not a side file (_SUCCESS, .crc). */
  static boolean hasData(String dir) {
    Path p = new Path(dir);
    try {
      FileSystem fs = p.getFileSystem(hadoopConf());
      if (!fs.exists(p)) {
        return false;
      }
      for (FileStatus st : fs.listStatus(p)) {
        String n = st.getPath().getName();
        if (!n.startsWith("_") && !n.startsWith(".")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new IllegalArgumentException(dir + " cannot be read (" + MoeSpark.firstLine(e) + ")");
    }
  }
}
