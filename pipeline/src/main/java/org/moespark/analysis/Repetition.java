package org.moespark.analysis;

import static org.apache.spark.sql.functions.array_intersect;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
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
    WindowSpec previous = Window.partitionBy("split", "step", "doc_id", "layer").orderBy("position");
    Column prevExperts = col("prev_experts");
    return in.tokens
        .withColumn("prev_position", lag("position", 1).over(previous))
        .withColumn("prev_experts", lag("experts", 1).over(previous))
        .where(col("prev_position").equalTo(col("position").minus(1)))
        .groupBy("split", "step", "layer")
        .agg(count(lit(1)).as("pairs"),
            avg(when(element_at(col("experts"), 1).equalTo(element_at(prevExperts, 1)), 1.0)
                .otherwise(0.0)).as("first_same"),
            avg(when(size(array_intersect(col("experts"), prevExperts)).gt(0), 1.0).otherwise(0.0))
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
