package org.moespark.analysis;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
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
 * Tokens are first counted per distinct top-k set (at most C(E, k) per layer), then expanded.
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
    Dataset<Row> chosen = in.tokens.groupBy(bySet.toArray(new Column[0]))
        .agg(count(lit(1)).as("tokens"))
        .withColumn("experts", ExpertSet.members(in.experts))
        .withColumn("expert", explode(col("experts")))
        .withColumn("expert", col("expert").cast("short"));
    Dataset<Row> perExpert = chosen.groupBy("split", "step", "layer", "expert")
        .agg(sum("tokens").as("n_expert"));
    Dataset<Row> pairs = chosen
        .withColumn("other", explode(filter(col("experts"), x -> x.notEqual(col("expert")))))
        .withColumn("other", col("other").cast("short"))
        .groupBy("split", "step", "layer", "expert", "other").agg(sum("tokens").as("n_pair"));
    return pairs.join(broadcast(perExpert), AnalysisInput.scalaSeq("split", "step", "layer", "expert"))
        .withColumn("share", col("n_pair").divide(col("n_expert")));
  }
}
