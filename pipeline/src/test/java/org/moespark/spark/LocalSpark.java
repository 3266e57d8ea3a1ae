package org.moespark.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] SparkSession shared by every test in the JVM (start-up costs seconds). */
public final class LocalSpark {
  private LocalSpark() {}

  public static SparkSession get() {
    return SharedSession.get("local[2]");
  }
}
