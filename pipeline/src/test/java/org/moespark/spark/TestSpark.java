package org.moespark.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] session shared by every test class in the surefire JVM. */
public final class TestSpark {
  private TestSpark() {}

  public static SparkSession session() {
    SparkSession spark = Sessions.create("moe-spark-test", "local[2]");
    // Test tables are tiny: one shuffle partition per core keeps stages few.
    spark.conf().set("spark.sql.shuffle.partitions", "2");
    return spark;
  }
}
