package org.moespark.train;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.moespark.spark.Sessions;

/** Child-JVM entry of the kill-and-resume test: trains until the test kills the process. */
public final class KilledTraining {
  private KilledTraining() {}

  public static void main(String[] args) {
    SparkSession spark = Sessions.create("killed training", "local[1]");
    TinyTraining.trainer(spark, TinyTraining.config(args), Path.of(System.getProperty("dir")))
        .run(false);
    System.out.println("FINISHED");
  }
}
