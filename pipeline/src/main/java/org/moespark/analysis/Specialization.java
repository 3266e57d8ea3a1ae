package org.moespark.analysis;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Domain and language specialization: the share N(E_i, D) / N_D of a label's tokens that have
 * expert E_i among their top-k (OLMoE Eq. 7), against the uniform k/E, with percentile bootstrap
 * CIs over documents ({@link DocumentBootstrap}). Shares of a (layer, label) sum to k.
 */
final class Specialization implements Metric {
  @Override
  public String table() {
    return "specialization";
  }

  @Override
  public Dataset<Row> compute(AnalysisInput in) {
    Dataset<Row> result = null;
    for (String by : AnalysisInput.LABELS) {
      Dataset<Row> one = ExpertCounts.rows(in.docExperts.withColumn("label", col(by)), in.experts,
              new String[] {"split", "step", "layer", "label"},
              Map.of("n", col("n")),
              Map.of("label_tokens", col("first")))
          .withColumn("by", lit(by));
      result = result == null ? one : result.unionByName(one);
    }
    Dataset<Row> shares = result
        .withColumn("share", col("n").divide(col("label_tokens")))
        .withColumn("uniform", lit(in.uniformShare()));
    return shares.join(broadcast(labelDocs(in)), AnalysisInput.scalaSeq("split", "step", "layer", "by", "label"))
        .join(broadcast(DocumentBootstrap.intervals(in)),
            AnalysisInput.scalaSeq("split", "by", "label", "layer", "expert"), "left");
  }

  /** Documents per label: the support a reader needs to judge a share (one document is no evidence). */
  private static Dataset<Row> labelDocs(AnalysisInput in) {
    Dataset<Row> docs = null;
    for (String by : AnalysisInput.LABELS) {
      Dataset<Row> one = in.docExperts.groupBy(col("split"), col("step"), col("layer"), col(by).as("label"))
          .agg(countDistinct("doc_id").as("label_docs"))
          .withColumn("by", lit(by));
      docs = docs == null ? one : docs.unionByName(one);
    }
    return docs;
  }
}
