package org.moespark.analysis;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
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
    List<Column> last = new ArrayList<>(List.of(col("split"), col("step").as("final_step"),
        col("doc_id"), col("position"), col("layer")));
    for (String m : ExpertSet.maskColumns(in.experts)) {
      last.add(col(m).as("final_" + m));
    }
    return in.allTokens.join(in.tokens.select(last.toArray(new Column[0])),
            AnalysisInput.scalaSeq("split", "doc_id", "position", "layer"))
        .groupBy("split", "step", "final_step", "layer")
        .agg(count(lit(1)).as("tokens"),
            avg(ExpertSet.overlap(in.experts, "mask", "final_mask").divide(in.topK)).as("saturation"));
  }
}
