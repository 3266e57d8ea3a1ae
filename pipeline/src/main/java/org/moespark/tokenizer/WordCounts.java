package org.moespark.tokenizer;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import scala.Tuple2;

/**
 * Counts pre-tokens over the documents on Spark: each partition counts into a local map, then the
 * counts are summed by key and collected (one entry per distinct pre-token, what the trainer
 * needs). Exact sums, so the result does not depend on partitioning.
 */
public final class WordCounts {
  private WordCounts() {}

  /**
   * @param docs documents with {@code doc_id, lang, text}
   * @param maxBytesPerLang per language, only the documents that start within this many UTF-8
   *     bytes of text (in xxhash64(doc_id) order, a fixed pseudo-random sample) are counted, so
   *     one big language cannot dominate the merges; 0 counts everything
   */
  public static Map<String, Long> count(Dataset<Row> docs, long maxBytesPerLang) {
    Dataset<Row> texts = maxBytesPerLang > 0 ? capPerLang(docs, maxBytesPerLang) : docs;
    Map<String, Long> counts = texts.select("text").as(Encoders.STRING()).javaRDD()
        .mapPartitionsToPair(it -> {
          List<Tuple2<String, Long>> local = new ArrayList<>();
          countLocal(it).forEach((w, c) -> local.add(new Tuple2<>(w, c)));
          return local.iterator();
        })
        .reduceByKey(Long::sum)
        .collectAsMap();
    return new HashMap<>(counts);
  }

  /** Pre-token counts of some texts, in this JVM. */
  static Map<String, Long> countLocal(Iterator<String> texts) {
    Map<String, Long> counts = new HashMap<>();
    while (texts.hasNext()) {
      String text = texts.next();
      if (text != null) {
        PreTokenizer.split(text, w -> counts.merge(w, 1L, Long::sum));
      }
    }
    return counts;
  }

  /** The documents of each language whose text starts within the first {@code max} bytes. */
  static Dataset<Row> capPerLang(Dataset<Row> docs, long max) {
    // The window sorts only ids and lengths; texts are joined back afterwards.
    Dataset<Row> sizes = docs.select(col("doc_id"), col("lang"),
        xxhash64(col("doc_id")).as("h"), octet_length(col("text")).as("bytes"));
    Dataset<Row> kept = sizes
        .withColumn("before", sum("bytes").over(Window.partitionBy("lang").orderBy("h", "doc_id"))
            .minus(col("bytes")))
        .where(col("before").lt(max))
        .select("doc_id");
    return docs.join(kept, "doc_id");
  }
}
