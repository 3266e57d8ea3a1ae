package org.moespark.tokenizer;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.grouping_id;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the tokenizer did to the corpus, per language, per domain, per (language, domain) and
 * overall: documents, UTF-8 bytes, tokens (end-of-text not counted), bytes per token (higher =
 * the vocabulary fits that text better), and vocabulary coverage (distinct ids used / vocab size).
 */
public final class TokenizerStats {
  private TokenizerStats() {}

  /** Rows of the tokenizer_stats table (without run_id), from {@link SequencePacker#ENCODED} rows. */
  public static Dataset<Row> compute(Dataset<Row> encoded, BpeModel model) {
    Dataset<Row> sizes = encoded.cube("lang", "domain").agg(
        grouping_id().as("g"),
        count(lit(1)).as("documents"),
        sum("text_bytes").as("text_bytes"),
        sum(size(col("ids")).minus(1)).as("tokens"));
    Dataset<Row> used = encoded
        .select(col("lang"), col("domain"), explode(col("ids")).as("id"))
        .where(col("id").notEqual(model.endOfTextId()))
        .distinct()
        .cube("lang", "domain").agg(grouping_id().as("g2"), countDistinct("id").as("distinct_ids"))
        .withColumnRenamed("lang", "lang2")
        .withColumnRenamed("domain", "domain2");
    return sizes.join(used, col("g").equalTo(col("g2"))
            .and(col("lang").eqNullSafe(col("lang2")))
            .and(col("domain").eqNullSafe(col("domain2"))), "left")
        .select(
            // cube's grouping id: bit 1 = lang rolled up, bit 0 = domain rolled up
            when(col("g").equalTo(0), "lang_domain").when(col("g").equalTo(1), "lang")
                .when(col("g").equalTo(2), "domain").otherwise("all").as("scope"),
            col("lang"), col("domain"), col("documents"), col("text_bytes"), col("tokens"),
            when(col("tokens").gt(0), col("text_bytes").divide(col("tokens"))).as("bytes_per_token"),
            coalesce(col("distinct_ids"), lit(0L)).as("distinct_ids"),
            coalesce(col("distinct_ids"), lit(0L)).divide(lit(model.vocabSize())).as("vocab_coverage"));
  }
}
