package org.moespark.tokenizer;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Documents to packed training sequences. Each document becomes its ids plus
 * {@code <|endoftext|>}; per split, documents are laid end to end in {@link DocSplit#order} order
 * and the stream is cut into sequences of {@code seqLen + 1} tokens (a sequence's last token is
 * the next one's first target only in the sense that the stream continues; sequences do not
 * overlap). The tail shorter than a sequence is dropped. Per token the routing analysis needs
 * doc_id, lang, domain and the position in the document; those are stored run-length: one segment
 * per (sequence, document) piece.
 */
public final class SequencePacker {
  static final StructType ENCODED = new StructType()
      .add("doc_id", DataTypes.StringType)
      .add("lang", DataTypes.StringType)
      .add("domain", DataTypes.StringType)
      .add("split", DataTypes.StringType)
      .add("order", DataTypes.LongType)
      .add("text_bytes", DataTypes.LongType)
      .add("ids", DataTypes.createArrayType(DataTypes.IntegerType, false));

  private static final StructType FRAGMENT = new StructType()
      .add("split", DataTypes.StringType)
      .add("seq_index", DataTypes.LongType)
      .add("start_in_seq", DataTypes.IntegerType)
      .add("length", DataTypes.IntegerType)
      .add("doc_id", DataTypes.StringType)
      .add("lang", DataTypes.StringType)
      .add("domain", DataTypes.StringType)
      .add("doc_start_position", DataTypes.IntegerType)
      .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType, false));

  private SequencePacker() {}

  /**
   * Encodes every document on the executors ({@link #ENCODED}: ids end with end-of-text).
   *
   * @param docs documents with {@code doc_id, lang, domain, text}
   */
  public static Dataset<Row> encode(SparkSession spark, Dataset<Row> docs, BpeModel model,
      double validationFraction) {
    Broadcast<BpeModel> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
    JavaRDD<Row> rows = docs.select("doc_id", "lang", "domain", "text").javaRDD().mapPartitions(it -> {
      BpeEncoder enc = new BpeEncoder(shared.value());
      return new Iterator<Row>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Row next() {
          return encoded(enc, it.next(), validationFraction);
        }
      };
    });
    return spark.createDataFrame(rows, ENCODED);
  }

  private static Row encoded(BpeEncoder enc, Row doc, double validationFraction) {
    String docId = doc.getString(0);
    String text = doc.isNullAt(3) ? "" : doc.getString(3);
    int[] ids = enc.encode(text);
    Integer[] withEnd = new Integer[ids.length + 1];
    for (int i = 0; i < ids.length; i++) {
      withEnd[i] = ids[i];
    }
    withEnd[ids.length] = enc.model().endOfTextId();
    return RowFactory.create(docId, doc.getString(1), doc.getString(2),
        DocSplit.split(docId, validationFraction), DocSplit.order(docId),
        (long) text.getBytes(StandardCharsets.UTF_8).length, withEnd);
  }

  /**
   * Packs encoded documents into {@code split, seq_index, tokens, segments} rows, every tokens
   * array {@code seqLen + 1} long.
   */
  public static Dataset<Row> pack(SparkSession spark, Dataset<Row> encoded, int seqLen) {
    int len = seqLen + 1;
    // Global start of each document in its split's token stream. The window sorts only
    // (split, order, doc_id, length) rows, one per document; the ids are joined back.
    Dataset<Row> starts = encoded
        .select(col("doc_id"), col("split"), col("order"), size(col("ids")).as("n"))
        .withColumn("start", sum(col("n")).over(Window.partitionBy("split").orderBy("order", "doc_id"))
            .minus(col("n")))
        .select("doc_id", "start");
    JavaRDD<Row> fragments = encoded.join(starts, "doc_id")
        .select("split", "start", "doc_id", "lang", "domain", "ids")
        .javaRDD()
        .flatMap(doc -> cut(doc, len).iterator());
    Dataset<Row> grouped = spark.createDataFrame(fragments, FRAGMENT)
        .groupBy("split", "seq_index")
        .agg(sort_array(collect_list(struct("start_in_seq", "length", "doc_id", "lang", "domain",
            "doc_start_position", "tokens"))).as("f"));
    return grouped
        .select(col("split"), col("seq_index"),
            expr("flatten(transform(f, x -> x.tokens))").as("tokens"),
            expr("transform(f, x -> named_struct('doc_id', x.doc_id, 'lang', x.lang, "
                + "'domain', x.domain, 'start_in_seq', x.start_in_seq, 'length', x.length, "
                + "'doc_start_position', x.doc_start_position))").as("segments"))
        .where(size(col("tokens")).equalTo(len));
  }

  /** The pieces of one document, one per sequence it overlaps. */
  private static List<Row> cut(Row doc, int len) {
    List<Row> out = new ArrayList<>();
    long start = doc.getLong(1);
    List<Integer> ids = doc.getList(5);
    int n = ids.size();
    for (int pos = 0; pos < n; ) {
      long at = start + pos;
      int inSeq = (int) (at % len);
      int piece = Math.min(n - pos, len - inSeq);
      out.add(RowFactory.create(doc.getString(0), at / len, inSeq, piece, doc.getString(2),
          doc.getString(3), doc.getString(4), pos, ids.subList(pos, pos + piece).toArray(new Integer[0])));
      pos += piece;
    }
    return out;
  }
}
