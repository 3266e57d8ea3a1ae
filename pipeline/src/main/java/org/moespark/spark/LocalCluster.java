package org.moespark.spark;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;

/**
 * Spark's {@code local-cluster[N,cores,MB]} master: N worker threads in the driver, each starting
 * one executor JVM, so tasks run in separate processes on one host (DESIGN §4).
 */
public record LocalCluster(int workers, int coresPerWorker, int memoryMbPerWorker) {
  // Spark's own pattern (SparkContext.LOCAL_CLUSTER_REGEX).
  private static final Pattern MASTER =
      Pattern.compile("local-cluster\\[\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*]");

  /** The local cluster a master URL names, or empty for any other master. */
  public static Optional<LocalCluster> parse(String master) {
    Matcher m = master == null ? null : MASTER.matcher(master);
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new LocalCluster(Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
  }

  /** Gives the executor JVMs of a local-cluster master what they need; other masters unchanged. */
  static void configure(SparkConf conf, Map<String, String> env) {
    String master = conf.get("spark.master", null);
    Optional<LocalCluster> cluster = parse(master);
    if (cluster.isEmpty()) {
      return;
    }
    // The in-driver workers read SPARK_HOME with System.getenv, so only the caller can set it.
    // Without it every executor's work directory (its stdout/stderr) lands in ./work.
    String home = env.get("SPARK_HOME");
    if (home == null || home.isBlank()) {
      throw new IllegalArgumentException("--master " + master + " needs the environment variable"
          + " SPARK_HOME (executor logs go to $SPARK_HOME/work): export SPARK_HOME=<a writable"
          + " directory>; ./moe-spark and the Maven tests set it");
    }
    // No Spark distribution here: the executors run from our own classpath. Spark's launcher
    // looks for $SPARK_HOME/jars unless SPARK_TESTING=1, and for the Scala version of the test
    // classes it would add; it reads both from the executor environment set here, so no
    // process-wide SPARK_TESTING (which would switch the driver's SQL into test mode) is needed.
    conf.setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"));
    conf.setIfMissing("spark.executorEnv.SPARK_TESTING", "1");
    conf.setIfMissing("spark.executorEnv.SPARK_SCALA_VERSION", scalaBinaryVersion());
    // Spark refuses executors larger than a worker; the default 1g exceeds small workers.
    conf.setIfMissing("spark.executor.memory", cluster.get().memoryMbPerWorker + "m");
    // Session start waits until every executor registered, so the first barrier stage finds
    // all its slots (else Spark's barrier check retries every 15 s).
    conf.setIfMissing("spark.cores.max",
        Integer.toString(cluster.get().workers * cluster.get().coresPerWorker));
    conf.setIfMissing("spark.scheduler.minRegisteredResourcesRatio", "1.0");
  }

  private static String scalaBinaryVersion() {
    String full = scala.util.Properties.versionNumberString();
    return full.substring(0, full.lastIndexOf('.'));
  }
}
