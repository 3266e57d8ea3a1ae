package org.moespark.spark;

import org.apache.spark.sql.SparkSession;

/**
 * A session whose tasks run in two executor JVMs, for tests that need real processes (barrier
 * rendezvous, sockets between ranks). It replaces the shared {@link LocalSpark} session while
 * in use, and the next {@code LocalSpark.get()} brings that back, so each switch costs a session
 * start: keep such tests few and grouped in one class.
 */
public final class LocalClusterSpark {
  /** Two executors of one core (one task slot each); 1 GiB each, also their -Xmx. */
  public static final String MASTER = "local-cluster[2,1,1024]";

  private LocalClusterSpark() {}

  public static SparkSession get() {
    return SharedSession.get(MASTER);
  }
}
