package org.moespark.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;

/**
 * {@code moe-spark bench tokenizer}: BPE training time on a corpus (pre-token counting on Spark,
 * merges on the driver) and single-thread encode throughput of our encoder next to Hugging Face
 * tokenizers (DJL) on the same texts with the same tokenizer.json, plus an id-equality check.
 */
public final class TokenizerBench {
  /** The demo corpus, relative to the repository root. */
  public static final String DEMO_CORPUS = "jobs/corpus/demo.jsonl.gz";

  private TokenizerBench() {}

  public static void run(SparkSession spark, PipelineConfig cfg, PrintStream out) {
    run(spark, cfg, DEMO_CORPUS, out);
  }

  /** @param corpus JSON lines with {@code doc_id, lang, domain, text} (any Hadoop path) */
  public static void run(SparkSession spark, PipelineConfig cfg, String corpus, PrintStream out) {
    TokenizerConfig tc = cfg.tokenizer();
    Dataset<Row> docs = spark.read().json(corpus).select("doc_id", "lang", "domain", "text").cache();
    List<String> texts = docs.select("text").as(Encoders.STRING()).collectAsList();
    long bytes = texts.stream().mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length).sum();
    out.printf("tokenizer bench: %s, %d documents, %.2f MB UTF-8, vocab %d, cap %d bytes/lang, %s%n",
        corpus, texts.size(), bytes / 1e6, tc.vocabSize(), tc.trainMaxBytesPerLang(),
        spark.sparkContext().master());

    BpeModel model = null;
    for (String pass : List.of("first (cold JVM)", "second")) {
      long t0 = System.nanoTime();
      Map<String, Long> words = WordCounts.count(docs, tc.trainMaxBytesPerLang());
      long t1 = System.nanoTime();
      model = BpeTrainer.train(words, tc.vocabSize());
      long t2 = System.nanoTime();
      out.printf("  train %-16s: %6.2f s = count %6.2f s (Spark, %d distinct pre-tokens) + merges %6.2f s (%d)%n",
          pass, (t2 - t0) / 1e9, (t1 - t0) / 1e9, words.size(), (t2 - t1) / 1e9, model.mergeCount());
    }

    String json = tempFile().toString();
    TokenizerJson.write(model, json, new Configuration());
    BpeModel trained = model;
    try (HuggingFaceTokenizer hf = HfTokenizers.load(json, new Configuration())) {
      // Our encoder gets a fresh (empty) cache per timed pass; each side is warmed up once first.
      Rate ours = time(texts, bytes, () -> new BpeEncoder(trained)::encode);
      Rate djl = time(texts, bytes, () -> s -> HfTokenizers.encode(hf, s));
      out.printf("  encode ours (Java) : %7.2f MB/s %,12.0f tokens/s  (%d tokens)%n", ours.mbPerS, ours.tokensPerS, ours.tokens);
      out.printf("  encode DJL (HF/Rust): %7.2f MB/s %,12.0f tokens/s  (%d tokens)%n", djl.mbPerS, djl.tokensPerS, djl.tokens);
      out.printf("  ours / DJL          : %.2fx%n", ours.mbPerS / djl.mbPerS);
      BpeEncoder enc = new BpeEncoder(trained);
      long same = texts.stream().filter(s -> java.util.Arrays.equals(enc.encode(s), HfTokenizers.encode(hf, s))).count();
      out.printf("  identical ids       : %d / %d documents%n", same, texts.size());
    } finally {
      docs.unpersist();
    }
  }

  private record Rate(double mbPerS, double tokensPerS, long tokens) {}

  private static Rate time(List<String> texts, long bytes, Supplier<Function<String, int[]>> encoders) {
    pass(texts, encoders.get());
    long t0 = System.nanoTime();
    long tokens = pass(texts, encoders.get());
    double s = (System.nanoTime() - t0) / 1e9;
    return new Rate(bytes / 1e6 / s, tokens / s, tokens);
  }

  private static long pass(List<String> texts, Function<String, int[]> encode) {
    long tokens = 0;
    for (String t : texts) {
      tokens += encode.apply(t).length;
    }
    return tokens;
  }

  private static Path tempFile() {
    try {
      Path dir = Files.createTempDirectory("moe-spark-bench");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve("tokenizer.json");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
