package org.moespark.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The tokens each expert specializes in most: per (layer, expert) the top analysis.top-tokens
 * token ids by vocabulary specialization (Eq. 8) among tokens seen at least
 * analysis.min-token-count times, ties by frequency then id, decoded to text on the driver (the
 * list is small: layers × experts × top-tokens rows).
 */
final class TopTokens implements Metric {
  @Override
  public String table() {
    return "top_tokens";
  }

  @Override
  public Dataset<Row> compute(AnalysisInput in) {
    Dataset<Row> ranked = new VocabSpecialization().compute(in)
        .where(col("token_count").geq(in.config.minTokenCount()))
        .withColumn("rank", row_number().over(Window.partitionBy("split", "step", "layer", "expert")
            .orderBy(col("share").desc(), col("token_count").desc(), col("token_id").asc())))
        .where(col("rank").leq(in.config.topTokens()))
        .select("split", "step", "layer", "expert", "rank", "token_id", "share", "token_count");
    List<Row> decoded = new ArrayList<>();
    for (Row r : ranked.collectAsList()) {
      int token = r.getInt(5);
      decoded.add(RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), token,
          in.decoder == null ? null : in.decoder.apply(token), r.get(6), r.get(7)));
    }
    List<StructField> fields = new ArrayList<>(List.of(ranked.schema().fields()));
    fields.add(6, DataTypes.createStructField("token", DataTypes.StringType, true));
    StructType schema = DataTypes.createStructType(fields);
    return in.spark.createDataFrame(decoded, schema);
  }
}
