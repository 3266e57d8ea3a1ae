package org.moespark.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

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
    // One pass over the rows; occurrences of a token = its rank-0 choices over all experts.
    return in.shared(table(), () -> in.choices.groupBy("split", "step", "layer", "token_id", "expert")
        .agg(count(lit(1)).as("n"), sum(when(col("rank").equalTo(0), 1L).otherwise(0L)).as("first"))
        .withColumn("token_count",
            sum("first").over(Window.partitionBy("split", "step", "layer", "token_id")))
        .withColumn("share", col("n").divide(col("token_count")))
        .drop("first"));
  }
}
