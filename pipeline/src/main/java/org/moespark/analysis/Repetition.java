package org.moespark.analysis;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Consecutive-token repetition (Mixtral §5, Table 5): over token pairs at positions p and p+1 of
 * one document, the share whose first choice is the same and the share whose top-k sets share an
 * expert, against random routing: 1/E and 1 − C(E−k, k)/C(E, k).
 */
final class Repetition implements Metric {
  @Override
  public String table() {
    return "repetition";
  }

  @Override
  public Dataset<Row> compute(AnalysisInput in) {
    // in.tokens holds one step per split, so (doc_id, split, layer) is a document's layer; in
    // that key order the cached tokens are already partitioned and sorted for the window.
    WindowSpec previous = Window.partitionBy("doc_id", "split", "layer").orderBy("position");
    Dataset<Row> withPrevious = in.tokens
        .withColumn("prev_position", lag("position", 1).over(previous))
        .withColumn("prev_first", lag("first", 1).over(previous));
    for (String m : ExpertSet.maskColumns(in.experts)) {
      withPrevious = withPrevious.withColumn("prev_" + m, lag(m, 1).over(previous));
    }
    return withPrevious
        .where(col("prev_position").equalTo(col("position").minus(1)))
        .groupBy("split", "step", "layer")
        .agg(count(lit(1)).as("pairs"),
            avg(when(col("first").equalTo(col("prev_first")), 1.0).otherwise(0.0)).as("first_same"),
            avg(when(ExpertSet.overlap(in.experts, "mask", "prev_mask").gt(0), 1.0).otherwise(0.0))
                .as("any_shared"))
        .withColumn("first_baseline", lit(1.0 / in.experts))
        .withColumn("any_baseline", lit(anyBaseline(in.experts, in.topK)));
  }

  /** P(two independent uniform top-k sets of E experts intersect) = 1 − C(E−k, k)/C(E, k). */
  static double anyBaseline(int experts, int k) {
    double disjoint = 1;
    for (int i = 0; i < k; i++) {
      disjoint *= (double) (experts - k - i) / (experts - i);
    }
    return 1 - Math.max(0, disjoint);
  }
}
