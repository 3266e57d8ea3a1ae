package org.moespark.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] session shared by every test class in the surefire JVM. */
public final class TestSpark {
  private TestSpark() {}

  public static SparkSession session() {
    return Sessions.create("moe-spark-test", "local[2]");
  }
}
