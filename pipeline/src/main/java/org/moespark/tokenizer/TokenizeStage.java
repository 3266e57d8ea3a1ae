package org.moespark.tokenizer;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.moespark.spark.Tables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokenize stage: train BPE on documents/, write tokenizer.json, encode and pack
 * sequences/, write tokenizer_stats/.
 */
public final class TokenizeStage {
  private static final Logger LOG = LoggerFactory.getLogger(TokenizeStage.class);

  /**
   * @param trainMillis pre-token counting on Spark plus merge learning on the driver
   * @param sequences packed sequences per split
   * @param stats the tokenizer_stats rows
   */
  public record Result(BpeModel model, String tokenizerJson, long trainMillis,
      Map<String, Long> sequences, List<Row> stats) {}

  private TokenizeStage() {}

  /** Reads {@code <out>/documents/run_id=<runId>} and runs the stage on it. */
  public static Result run(SparkSession spark, TokenizerConfig cfg, String out, String runId) {
    Dataset<Row> docs = spark.read().parquet(Tables.path(out, "documents") + "/" + Tables.RUN_ID + "=" + runId);
    return run(spark, cfg, docs, out, runId);
  }

  /** @param docs documents with {@code doc_id, lang, domain, text} */
  public static Result run(SparkSession spark, TokenizerConfig cfg, Dataset<Row> docs, String out,
      String runId) {
    long t0 = System.nanoTime();
    Map<String, Long> words = WordCounts.count(docs, cfg.trainMaxBytesPerLang());
    long t1 = System.nanoTime();
    BpeModel model = BpeTrainer.train(words, cfg.vocabSize());
    long t2 = System.nanoTime();
    LOG.info("tokenizer: {} distinct pre-tokens counted in {} ms, {} merges learned in {} ms, vocab {}",
        words.size(), (t1 - t0) / 1_000_000, model.mergeCount(), (t2 - t1) / 1_000_000, model.vocabSize());
    String json = TokenizerJson.path(out, runId);
    TokenizerJson.write(model, json, spark.sparkContext().hadoopConfiguration());
    LOG.info("tokenizer: wrote {}", json);

    Dataset<Row> encoded = SequencePacker.encode(spark, docs, model, cfg.validationFraction())
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> sequences = SequencePacker.pack(spark, encoded, cfg.seqLen())
          .repartitionByRange(col("split"), col("seq_index"))
          .sortWithinPartitions("split", "seq_index");
      Tables.write(sequences, out, "sequences", runId, "split");
      Map<String, Long> counts = Sequences.countBySplit(spark, out, runId);
      LOG.info("tokenizer: sequences of {} tokens: {}", cfg.seqLen() + 1, counts);

      Dataset<Row> stats = TokenizerStats.compute(encoded, model);
      Tables.write(stats, out, "tokenizer_stats", runId);
      List<Row> rows = Tables.read(spark, out, "tokenizer_stats", runId)
          .orderBy("scope", "lang", "domain").collectAsList();
      for (Row r : rows) {
        String scope = r.getAs("scope");
        if (scope.equals("lang") || scope.equals("all")) {
          LOG.info("tokenizer stats: lang={} docs={} bytes={} tokens={} bytes/token={} vocab coverage={}",
              scope.equals("all") ? "ALL" : r.getAs("lang"), r.getAs("documents"), r.getAs("text_bytes"),
              r.getAs("tokens"), String.format("%.3f", (Double) r.getAs("bytes_per_token")),
              String.format("%.3f", (Double) r.getAs("vocab_coverage")));
        }
      }
      return new Result(model, json, (t2 - t0) / 1_000_000, counts, rows);
    } finally {
      encoded.unpersist();
    }
  }
}
