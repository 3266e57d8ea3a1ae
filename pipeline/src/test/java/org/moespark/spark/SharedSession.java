package org.moespark.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession a test JVM can hold (Spark allows one SparkContext per JVM), shared by
 * every test and switched when a test asks for another master.
 */
final class SharedSession {
  private static SparkSession spark;
  private static String master;

  private SharedSession() {}

  static synchronized SparkSession get(String wanted) {
    // A test of a stage that closes its session (as the commands do) must not break the next one.
    if (spark == null || spark.sparkContext().isStopped() || !wanted.equals(master)) {
      // getOrCreate would hand back any session still running, whatever its master.
      SparkSession.getDefaultSession().foreach(running -> {
        running.stop();
        return null;
      });
      System.setProperty("spark.ui.enabled", "false");
      spark = Sessions.create("moe-spark tests", wanted);
      master = wanted;
      spark.sparkContext().setLogLevel("WARN");
      // Test tables are tiny: one shuffle partition per core keeps stages few.
      spark.conf().set("spark.sql.shuffle.partitions", "2");
    }
    return spark;
  }
}
