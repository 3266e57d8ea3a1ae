package org.moespark.report;

import org.apache.spark.sql.SparkSession;
import org.moespark.analysis.Analyzer;
import org.moespark.config.PipelineConfig;
import org.moespark.tokenizer.TokenDecoder;

/**
 * Writes the {@code analysis/} tables of one run from its {@code routing/} rows; the report calls
 * it for every selected run whose analysis is missing or older than its routing.
 */
@FunctionalInterface
public interface RunAnalyzer {
  void analyse(SparkSession spark, String out, String runId);

  /** The {@link Analyzer} with the config's experts, top-k and analysis settings, tokens decoded. */
  static RunAnalyzer of(PipelineConfig cfg) {
    return (spark, out, run) -> new Analyzer(cfg.analysis(), cfg.model().experts(),
        cfg.model().topK(), TokenDecoder.of(out, run, spark.sparkContext().hadoopConfiguration()))
        .run(spark, out, run);
  }
}
