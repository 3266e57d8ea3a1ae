package org.moespark.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Vocabulary specialization: the share N(x, E_i) / N_x of token id x's occurrences that have
 * expert E_i among their top-k (OLMoE Eq. 8); only (token, expert) pairs that occur.
 */
final class VocabSpecialization implements Metric {
  @Override
  public String table() {
    return "vocab_specialization";
  }

  @Override
  public Dataset<Row> compute(AnalysisInput in) {
    Dataset<Row> n = in.choices.groupBy("split", "step", "layer", "token_id", "expert")
        .agg(count(lit(1)).as("n"));
    Dataset<Row> tokenCount = in.choices.where(col("rank").equalTo(0))
        .groupBy("split", "step", "layer", "token_id").agg(count(lit(1)).as("token_count"));
    return n.join(tokenCount, AnalysisInput.scalaSeq("split", "step", "layer", "token_id"))
        .withColumn("share", col("n").divide(col("token_count")));
  }
}
