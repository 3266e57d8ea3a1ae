package org.moespark.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Language and domain divergence per layer: the Jensen–Shannon divergence (nats) between a
 * label's mean gate vector over its tokens and the pooled mean over all tokens, each normalised to
 * sum 1 (they already do when gates are normalised), and that divergence over ln E.
 */
final class Divergence implements Metric {
  @Override
  public String table() {
    return "divergence";
  }

  @Override
  public Dataset<Row> compute(AnalysisInput in) {
    Dataset<Row> result = null;
    String[] keys = {"split", "step", "layer", "label"};
    for (String by : AnalysisInput.LABELS) {
      Dataset<Row> mass = ExpertCounts.rows(in.docExperts.withColumn("label", col(by)), in.experts,
          keys, Map.of("mass", col("mass")), Map.of("tokens", col("first")));
      // Both normalisations over the small (label, expert) table; the pooled vector is the
      // token-weighted sum of the label vectors.
      Column p = col("mass").divide(sum("mass").over(Window.partitionBy(AnalysisInput.cols(keys))));
      Column q = sum("mass").over(Window.partitionBy("split", "step", "layer", "expert"))
          .divide(sum("mass").over(Window.partitionBy("split", "step", "layer")));
      Column m = col("p").plus(col("q")).divide(2);
      Dataset<Row> one = mass.withColumn("p", p).withColumn("q", q)
          .groupBy(AnalysisInput.cols(keys))
          .agg(sum(kl(col("p"), m).plus(kl(col("q"), m))).divide(2).as("jsd"),
              org.apache.spark.sql.functions.first("tokens").as("tokens"))
          .withColumn("by", lit(by));
      result = result == null ? one : result.unionByName(one);
    }
    return result.withColumn("jsd_norm", col("jsd").divide(Math.log(in.experts)));
  }

  /** One term x ln(x / m) of KL(x || m), 0 when x = 0. */
  private static Column kl(Column x, Column m) {
    return when(x.gt(0), x.multiply(log(x.divide(m)))).otherwise(0.0);
  }
}
