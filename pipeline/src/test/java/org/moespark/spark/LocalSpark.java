package org.moespark.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] SparkSession shared by every test in the JVM (start-up costs seconds). */
public final class LocalSpark {
  private static SparkSession spark;

  private LocalSpark() {}

  public static synchronized SparkSession get() {
    // A test of a stage that closes its session (as the commands do) must not break the next one.
    if (spark == null || spark.sparkContext().isStopped()) {
      System.setProperty("spark.ui.enabled", "false");
      spark = Sessions.create("moe-spark tests", "local[2]");
      spark.sparkContext().setLogLevel("WARN");
      // Test tables are tiny: one shuffle partition per core keeps stages few.
      spark.conf().set("spark.sql.shuffle.partitions", "2");
    }
    return spark;
  }
}
