package org.moespark.analysis;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

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
    // The token's masks at the split's last step, spread over all its steps by a window. The
    // window's keys are in the order AnalysisInput sorted the cached tokens by, so the plan has
    // neither an exchange nor a sort (a join with the last step's tokens would shuffle both).
    WindowSpec token = Window.partitionBy("doc_id", "split", "layer", "position");
    Dataset<Row> withFinal = in.allTokens.withColumn("final_step", in.lastStep());
    for (String m : ExpertSet.maskColumns(in.experts)) {
      withFinal = withFinal.withColumn("final_" + m,
          first(when(col("step").equalTo(col("final_step")), col(m)), true).over(token));
    }
    return withFinal.where(col("final_mask0").isNotNull())
        .groupBy("split", "step", "final_step", "layer")
        .agg(count(lit(1)).as("tokens"),
            avg(ExpertSet.overlap(in.experts, "mask", "final_mask").divide(in.topK)).as("saturation"));
  }
}
