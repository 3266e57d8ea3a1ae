package org.moespark.analysis;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Is routing related to language (domain)? The mutual information (nats) between expert and label
 * over all choices of a layer, with a permutation test that shuffles labels over DOCUMENTS (tokens
 * of a document are not independent, so shuffling tokens would overstate significance):
 * p = (1 + #{MI_perm ≥ MI}) / (1 + P), P = analysis.permutations (the +1 counts the observed
 * labelling as one permutation, so p is never 0). Permutations run as Spark tasks over the
 * broadcast {@link DocCounts}; null_mean is the MI expected from chance (finite-sample bias).
 */
final class Significance implements Metric {
  private static final StructType PERMUTED = DataTypes.createStructType(List.of(
      DataTypes.createStructField("by", DataTypes.StringType, false),
      DataTypes.createStructField("layer", DataTypes.ByteType, false),
      DataTypes.createStructField("mi_perm", DataTypes.DoubleType, false)));
  private static final StructType OBSERVED = DataTypes.createStructType(List.of(
      DataTypes.createStructField("split", DataTypes.StringType, false),
      DataTypes.createStructField("step", DataTypes.LongType, false),
      DataTypes.createStructField("by", DataTypes.StringType, false),
      DataTypes.createStructField("layer", DataTypes.ByteType, false),
      DataTypes.createStructField("docs", DataTypes.IntegerType, false),
      DataTypes.createStructField("labels", DataTypes.IntegerType, false),
      DataTypes.createStructField("mi", DataTypes.DoubleType, false)));

  @Override
  public String table() {
    return "significance";
  }

  @Override
  public Dataset<Row> compute(AnalysisInput in) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(in.spark.sparkContext());
    int permutations = in.config.permutations();
    long seed = in.config.seed();
    Dataset<Row> result = null;
    for (DocCounts dc : in.docCounts()) {
      List<Row> observed = new ArrayList<>();
      for (int kind = 0; kind < dc.labelNames.length; kind++) {
        double[] mi = dc.mutualInformation(dc.docLabel[kind], dc.labelNames[kind].length);
        for (int layer = 0; layer < dc.layers; layer++) {
          observed.add(RowFactory.create(dc.split, dc.step, AnalysisInput.LABELS.get(kind),
              (byte) layer, dc.docs(), dc.labelNames[kind].length, mi[layer]));
        }
      }
      Broadcast<DocCounts> counts = jsc.broadcast(dc);
      Dataset<Row> permuted = in.spark.range(permutations)
          .flatMap((FlatMapFunction<Long, Row>) p -> permute(counts.value(), seed, p).iterator(),
              Encoders.row(PERMUTED));
      Dataset<Row> one = broadcast(in.spark.createDataFrame(observed, OBSERVED))
          .join(permuted, AnalysisInput.scalaSeq("by", "layer"))
          .groupBy("split", "step", "by", "layer", "docs", "labels", "mi")
          .agg(sum(when(col("mi_perm").geq(col("mi").multiply(1 - 1e-12)), 1).otherwise(0)).as("exceed"),
              avg("mi_perm").as("null_mean"))
          .withColumn("p_value", col("exceed").plus(1).divide(permutations + 1.0))
          .withColumn("permutations", lit(permutations))
          .drop("exceed");
      result = result == null ? one : result.unionByName(one);
    }
    return result;
  }

  /** MI per (kind, layer) under permutation {@code p} of the labels over documents. */
  static List<Row> permute(DocCounts dc, long seed, long p) {
    List<Row> out = new ArrayList<>();
    for (int kind = 0; kind < dc.labelNames.length; kind++) {
      int[] shuffled = dc.shuffledLabels(kind, DocCounts.random(seed, p, kind));
      double[] mi = dc.mutualInformation(shuffled, dc.labelNames[kind].length);
      for (int layer = 0; layer < dc.layers; layer++) {
        out.add(RowFactory.create(AnalysisInput.LABELS.get(kind), (byte) layer, mi[layer]));
      }
    }
    return out;
  }
}
