package org.moespark.analysis;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** One analysis: a Spark job over the routing rows giving the table {@code analysis/<table>}. */
interface Metric {
  /** The table name under analysis/ (schema: data-schemas/analysis_&lt;table&gt;.json). */
  String table();

  /** The result rows, without run_id; lazy except where the metric must collect aggregates. */
  Dataset<Row> compute(AnalysisInput in);
}
