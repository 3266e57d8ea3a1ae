package org.moespark.report;

import org.apache.spark.sql.SparkSession;

/**
 * Writes the {@code analysis/} tables of one run from its {@code routing/} rows; the report calls
 * it for every selected run whose analysis is missing or older than its routing.
 */
@FunctionalInterface
public interface RunAnalyzer {
  void analyse(SparkSession spark, String out, String runId);
}
