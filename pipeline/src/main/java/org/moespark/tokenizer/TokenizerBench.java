package org.moespark.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
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
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

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
      long cpu1 = CPU.getCurrentThreadCpuTime();
      model = BpeTrainer.train(words, tc.vocabSize());
      long t2 = System.nanoTime();
      out.printf("  train %-16s: %6.2f s = count %6.2f s (Spark, %d distinct pre-tokens) + merges %6.2f s"
              + " (%d merges, %.2f CPU-s)%n", pass, (t2 - t0) / 1e9, (t1 - t0) / 1e9, words.size(),
          (t2 - t1) / 1e9, model.mergeCount(), (CPU.getCurrentThreadCpuTime() - cpu1) / 1e9);
    }

    String json = tempFile().toString();
    TokenizerJson.write(model, json, new Configuration());
    BpeModel trained = model;
    try (HuggingFaceTokenizer hf = HfTokenizers.load(json, new Configuration())) {
      // Each pass starts with a fresh (empty) cache of ours; each line is warmed up once first.
      Rate ours = time(texts, bytes, all -> {
        BpeEncoder enc = new BpeEncoder(trained);
        return all.stream().mapToLong(t -> enc.encode(t).length).sum();
      });
      Rate djl = time(texts, bytes, all -> all.stream().mapToLong(t -> HfTokenizers.encode(hf, t).length).sum());
      Rate core = rustCoreIdsOnly(texts, bytes, json);
      Rate oursPar = time(texts, bytes, all -> {
        ThreadLocal<BpeEncoder> enc = ThreadLocal.withInitial(() -> new BpeEncoder(trained));
        return all.parallelStream().mapToLong(t -> enc.get().encode(t).length).sum();
      });
      Rate djlBatch = time(texts, bytes, all ->
          Arrays.stream(hf.batchEncode(all, false, false)).mapToLong(e -> e.getIds().length).sum());
      int cores = Runtime.getRuntime().availableProcessors();
      print(out, "ours, 1 thread", ours, true);
      print(out, "DJL encode, 1 thread", djl, true);
      print(out, "HF core via JNI, ids only, 1 thr", core, true);
      print(out, "ours, " + cores + " threads", oursPar, false);
      print(out, "DJL batchEncode (Rust threads)", djlBatch, false);
      out.printf("  ours / DJL: %.2fx on 1 thread (%.2fx vs the ids-only core), %.2fx on all cores%n",
          ours.mbPerS / djl.mbPerS, ours.mbPerS / core.mbPerS, oursPar.mbPerS / djlBatch.mbPerS);
      BpeEncoder enc = new BpeEncoder(trained);
      long same = texts.stream().filter(s -> Arrays.equals(enc.encode(s), HfTokenizers.encode(hf, s))).count();
      out.printf("  identical ids       : %d / %d documents%n", same, texts.size());
    } finally {
      docs.unpersist();
    }
  }

  /** Wall-clock rates, and the MB/s over this thread's CPU time (robust to a busy machine). */
  private record Rate(double mbPerS, double tokensPerS, long tokens, double mbPerCpuS) {}

  /**
   * HF's Rust encode through DJL's raw JNI calls, fetching only the ids: what DJL costs without
   * building its Encoding (tokens as Java strings, offsets, masks).
   */
  private static Rate rustCoreIdsOnly(List<String> texts, long bytes, String json) {
    TokenizersLibrary lib = TokenizersLibrary.LIB;
    long handle;
    try {
      handle = lib.createTokenizerFromString(Files.readString(Path.of(json)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return time(texts, bytes, all -> all.stream().mapToLong(t -> {
        long enc = lib.encode(handle, t, false);
        try {
          return lib.getTokenIds(enc).length;
        } finally {
          lib.deleteEncoding(enc);
        }
      }).sum());
    } finally {
      lib.deleteTokenizer(handle);
    }
  }

  /** Times {@code encodeAll} (returns the token count) after one warm-up call. */
  private static Rate time(List<String> texts, long bytes, ToLongFunction<List<String>> encodeAll) {
    encodeAll.applyAsLong(texts);
    long cpu0 = CPU.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    long tokens = encodeAll.applyAsLong(texts);
    double s = (System.nanoTime() - t0) / 1e9;
    double cpu = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e9;
    return new Rate(bytes / 1e6 / s, tokens / s, tokens, bytes / 1e6 / cpu);
  }

  private static void print(PrintStream out, String what, Rate r, boolean oneThread) {
    out.printf("  encode %-31s: %7.2f MB/s %,12.0f tokens/s (%d tokens)%s%n", what, r.mbPerS,
        r.tokensPerS, r.tokens, oneThread ? String.format("; %.2f MB per CPU-second", r.mbPerCpuS) : "");
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
