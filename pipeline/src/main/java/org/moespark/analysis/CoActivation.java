package org.moespark.analysis;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Co-activation N(E_i, E_j) / N(E_i): of the tokens routed to E_i, the share also routed to E_j,
 * over all ordered pairs of the top-k set (OLMoE Eq. 6); pairs that never co-occur are absent.
 */
final class CoActivation implements Metric {
  @Override
  public String table() {
    return "coactivation";
  }

  @Override
  public Dataset<Row> compute(AnalysisInput in) {
    Dataset<Row> chosen = in.tokens.withColumn("expert", explode(col("experts")));
    Dataset<Row> perExpert = chosen.groupBy("split", "step", "layer", "expert")
        .agg(count(lit(1)).as("n_expert"));
    Dataset<Row> pairs = chosen
        .withColumn("other", explode(filter(col("experts"), x -> x.notEqual(col("expert")))))
        .groupBy("split", "step", "layer", "expert", "other").agg(count(lit(1)).as("n_pair"));
    return pairs.join(broadcast(perExpert), AnalysisInput.scalaSeq("split", "step", "layer", "expert"))
        .withColumn("share", col("n_pair").divide(col("n_expert")));
  }
}
