package org.moespark.report;

import org.apache.spark.sql.SparkSession;
import org.moespark.analysis.Analyzer;
import java.util.Map;
import org.moespark.config.PipelineConfig;
import org.moespark.train.CheckpointModel;
import org.moespark.train.RunModel;
import org.moespark.tokenizer.TokenDecoder;

/**
 * Writes the {@code analysis/} tables of one run from its {@code routing/} rows; the report calls
 * it for every selected run whose analysis is missing or older than its routing.
 */
@FunctionalInterface
public interface RunAnalyzer {
  void analyse(SparkSession spark, String out, String runId);

  /**
   * The {@link Analyzer} with the run's experts and top-k (from its checkpoint, see
   * {@link RunModel}), the config's analysis settings, tokens decoded.
   *
   * @param given the keys the user gave (--conf/--set): one contradicting the run fails it
   */
  static RunAnalyzer of(PipelineConfig cfg, Map<String, String> given) {
    return (spark, out, run) -> {
      CheckpointModel model = RunModel.forRun(out, run, cfg, given,
          spark.sparkContext().hadoopConfiguration());
      new Analyzer(cfg.analysis(), model.experts(), model.topK(),
          TokenDecoder.of(out, run, spark.sparkContext().hadoopConfiguration())).run(spark, out, run);
    };
  }
}
