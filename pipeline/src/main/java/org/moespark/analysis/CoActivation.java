package org.moespark.analysis;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Co-activation N(E_i, E_j) / N(E_i): of the tokens routed to E_i, the share also routed to E_j,
 * over all ordered pairs of the top-k set (OLMoE Eq. 6); pairs that never co-occur are absent.
 * Tokens are first counted per distinct top-k set (at most C(E, k) per layer, aggregated before
 * the shuffle), then expanded to experts and pairs.
 */
final class CoActivation implements Metric {
  @Override
  public String table() {
    return "coactivation";
  }

  @Override
  public Dataset<Row> compute(AnalysisInput in) {
    List<Column> bySet = new ArrayList<>(List.of(col("split"), col("step"), col("layer")));
    for (String m : ExpertSet.maskColumns(in.experts)) {
      bySet.add(col(m));
    }
    Dataset<Row> sets = in.tokens.groupBy(bySet.toArray(new Column[0])).agg(count(lit(1)).as("tokens"));
    // Set members by a join with the E expert ids on a bit test, not by exploding an array built
    // with a lambda: the optimizer pushed the explode's inferred "array not empty" filter below
    // the aggregation, evaluating the (interpreted) lambda once per token, which cost more than
    // all the rest of the metric. A join condition stays above the small aggregate.
    Dataset<Row> ids = in.spark.range(in.experts).select(col("id").cast("int").as("expert"));
    Dataset<Row> chosen = sets.join(broadcast(ids), ExpertSet.contains(in.experts, col("expert")));
    Dataset<Row> perExpert = chosen.groupBy("split", "step", "layer", "expert")
        .agg(sum("tokens").as("n_expert"));
    Dataset<Row> pairs = chosen
        .join(broadcast(ids.withColumnRenamed("expert", "other")),
            ExpertSet.contains(in.experts, col("other")).and(col("other").notEqual(col("expert"))))
        .groupBy("split", "step", "layer", "expert", "other").agg(sum("tokens").as("n_pair"));
    return pairs.join(broadcast(perExpert), AnalysisInput.scalaSeq("split", "step", "layer", "expert"))
        .withColumn("expert", col("expert").cast("short"))
        .withColumn("other", col("other").cast("short"))
        .withColumn("share", col("n_pair").divide(col("n_expert")));
  }
}
