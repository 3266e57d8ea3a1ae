package org.moespark.spark;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/** Sums the serialized task results every job sent to the driver: what reaches it from the data. */
public final class TaskResultBytes extends SparkListener {
  private final AtomicLong bytes = new AtomicLong();

  /** Task result bytes while {@code work} ran. */
  public static long during(SparkSession spark, Runnable work) {
    TaskResultBytes listener = new TaskResultBytes();
    spark.sparkContext().addSparkListener(listener);
    try {
      work.run();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } catch (TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain", e);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    return listener.bytes.get();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.taskMetrics() != null) {
      bytes.addAndGet(end.taskMetrics().resultSize());
    }
  }
}
