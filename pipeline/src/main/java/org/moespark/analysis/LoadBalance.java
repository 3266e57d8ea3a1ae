package org.moespark.analysis;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Load per layer: choices per expert (dropped ones included: that is the router's demand), their
 * coefficient of variation, max/mean, entropy (nats, and over ln E), dead experts, drop rate.
 */
final class LoadBalance implements Metric {
  @Override
  public String table() {
    return "load";
  }

  @Override
  public Dataset<Row> compute(AnalysisInput in) {
    Dataset<Row> grouped = ExpertCounts.arrays(in.docExperts, in.experts,
        new String[] {"split", "step", "layer"},
        Map.of("counts", col("n")),
        Map.of("tokens", col("first"), "dropped", col("dropped")));
    Column counts = col("counts");
    Column total = aggregate(counts, lit(0L), (acc, n) -> acc.plus(n));
    Column mean = col("assignments").divide(in.experts);
    Column variance = aggregate(counts, lit(0.0), (acc, n) -> acc.plus(n.minus(mean).multiply(n.minus(mean))))
        .divide(in.experts);
    // H = ln S - sum(n ln n) / S, with 0 ln 0 = 0
    Column entropy = log(col("assignments")).minus(aggregate(counts, lit(0.0),
        (acc, n) -> acc.plus(when(n.gt(0), n.multiply(log(n))).otherwise(0.0))).divide(col("assignments")));
    return grouped.withColumn("assignments", total)
        .select(col("split"), col("step"), col("layer"), col("tokens"), col("assignments"), counts,
            sqrt(variance).divide(mean).as("cv"),
            array_max(counts).divide(mean).as("max_over_mean"),
            entropy.as("entropy"),
            entropy.divide(Math.log(in.experts)).as("entropy_norm"),
            aggregate(counts, lit(0L), (acc, n) -> acc.plus(when(n.equalTo(0), 1L).otherwise(0L)))
                .as("dead_experts"),
            col("dropped").divide(col("assignments")).as("drop_rate"));
  }
}
