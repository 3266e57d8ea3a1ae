package org.moespark.analysis;

import static org.apache.spark.sql.functions.expr;

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
 * Percentile bootstrap CIs of the specialization shares (Eq. 7) over documents: each of B =
 * analysis.bootstrap replicates redraws, per label, as many of that label's documents with
 * replacement (tokens of a document stay together, so within-document correlation is kept) and
 * recomputes every share; the interval is the (1−c)/2 and (1+c)/2 percentiles of the B shares.
 * Replicates run as Spark tasks over the broadcast {@link DocCounts}; percentiles in Spark.
 */
final class DocumentBootstrap {
  private static final StructType REPLICATE = DataTypes.createStructType(List.of(
      DataTypes.createStructField("split", DataTypes.StringType, false),
      DataTypes.createStructField("by", DataTypes.StringType, false),
      DataTypes.createStructField("label", DataTypes.StringType, false),
      DataTypes.createStructField("layer", DataTypes.ByteType, false),
      DataTypes.createStructField("expert", DataTypes.ShortType, false),
      DataTypes.createStructField("share", DataTypes.DoubleType, false)));

  private DocumentBootstrap() {}

  /** (split, by, label, layer, expert, ci_low, ci_high) for every split of {@code in}. */
  static Dataset<Row> intervals(AnalysisInput in) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(in.spark.sparkContext());
    Dataset<Row> replicates = null;
    for (DocCounts dc : in.docCounts()) {
      Broadcast<DocCounts> counts = jsc.broadcast(dc);
      long seed = in.config.seed();
      Dataset<Row> one = in.spark.range(in.config.bootstrap())
          .flatMap((FlatMapFunction<Long, Row>) b -> replicate(counts.value(), seed, b).iterator(),
              Encoders.row(REPLICATE));
      replicates = replicates == null ? one : replicates.union(one);
    }
    double lo = (1 - in.config.confidence()) / 2;
    return replicates.groupBy("split", "by", "label", "layer", "expert").agg(
        expr("percentile(share, " + lo + ")").as("ci_low"),
        expr("percentile(share, " + (1 - lo) + ")").as("ci_high"));
  }

  /** Shares of one replicate, every (kind, label, layer, expert). */
  static List<Row> replicate(DocCounts dc, long seed, long b) {
    List<Row> out = new ArrayList<>();
    for (int kind = 0; kind < dc.labelNames.length; kind++) {
      var rnd = DocCounts.random(seed, b, kind);
      int[][] docs = dc.docsByLabel(kind);
      for (int l = 0; l < docs.length; l++) {
        long[] n = new long[dc.layers * dc.experts];
        long[] t = new long[dc.layers];
        for (int i = 0; i < docs[l].length; i++) {
          int d = docs[l][rnd.nextInt(docs[l].length)];
          for (int j = 0; j < n.length; j++) {
            n[j] += dc.counts[d][j];
          }
          for (int layer = 0; layer < t.length; layer++) {
            t[layer] += dc.tokens[d][layer];
          }
        }
        for (int layer = 0; layer < dc.layers; layer++) {
          for (int e = 0; e < dc.experts; e++) {
            if (t[layer] > 0) {
              out.add(RowFactory.create(dc.split, AnalysisInput.LABELS.get(kind),
                  dc.labelNames[kind][l], (byte) layer, (short) e,
                  (double) n[layer * dc.experts + e] / t[layer]));
            }
          }
        }
      }
    }
    return out;
  }
}
