package org.moespark.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Routing by position in the document: per position bucket 0, 1–3, 4–15, 16–63, 64–255, 256+,
 * the share of the bucket's tokens with each expert among their top-k (as Eq. 7, uniform k/E).
 */
final class PositionRouting implements Metric {
  static final int[] BUCKET_STARTS = {0, 1, 4, 16, 64, 256};

  @Override
  public String table() {
    return "position";
  }

  @Override
  public Dataset<Row> compute(AnalysisInput in) {
    Column position = col("position");
    Column start = lit(BUCKET_STARTS[BUCKET_STARTS.length - 1]);
    Column name = lit(BUCKET_STARTS[BUCKET_STARTS.length - 1] + "+");
    for (int b = BUCKET_STARTS.length - 2; b >= 0; b--) {
      int from = BUCKET_STARTS[b];
      int to = BUCKET_STARTS[b + 1] - 1;
      start = when(position.leq(to), lit(from)).otherwise(start);
      name = when(col("bucket_start").equalTo(from), lit(from == to ? String.valueOf(from) : from + "-" + to))
          .otherwise(name);
    }
    // Rows are grouped by the bucket's start only; its name is added to the small result, not
    // built as a string for every row.
    return ExpertCounts.rows(in.choices.withColumn("bucket_start", start), in.experts,
            new String[] {"split", "step", "layer", "bucket_start"},
            Map.of("n", lit(1L)),
            Map.of("bucket_tokens", when(col("rank").equalTo(0), 1L).otherwise(0L)))
        .withColumn("bucket", name)
        .withColumn("share", col("n").divide(col("bucket_tokens")))
        .withColumn("uniform", lit(in.uniformShare()));
  }
}
