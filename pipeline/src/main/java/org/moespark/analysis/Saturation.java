package org.moespark.analysis;

import static org.apache.spark.sql.functions.array_intersect;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Router saturation: for the same tokens routed at step t and at the split's last step, the mean
 * |TopK_t ∩ TopK_final| / k per layer and step (OLMoE Eq. 5); 1 at the last step itself.
 */
final class Saturation implements Metric {
  @Override
  public String table() {
    return "saturation";
  }

  @Override
  public Dataset<Row> compute(AnalysisInput in) {
    Dataset<Row> last = in.tokens.select(col("split"), col("step").as("final_step"),
        col("doc_id"), col("position"), col("layer"), col("experts").as("final_experts"));
    return in.allTokens.join(last, AnalysisInput.scalaSeq("split", "doc_id", "position", "layer"))
        .groupBy("split", "step", "final_step", "layer")
        .agg(count(lit(1)).as("tokens"),
            avg(size(array_intersect(col("experts"), col("final_experts"))).divide(in.topK))
                .as("saturation"));
  }
}
