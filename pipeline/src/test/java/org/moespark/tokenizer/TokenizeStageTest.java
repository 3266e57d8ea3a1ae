package org.moespark.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.spark.LocalSpark;
import org.moespark.spark.Tables;

class TokenizeStageTest {
  static final int SEQ_LEN = 31;
  static SparkSession spark;
  @TempDir static Path out;
  static List<DemoCorpus.Doc> docs;
  static TokenizeStage.Result result;

  @BeforeAll
  static void runStage() {
    spark = LocalSpark.get();
    docs = DemoCorpus.shortSample(40, 1500);
    TokenizerConfig cfg = new TokenizerConfig(600, 0.2, SEQ_LEN, 20_000);
    result = TokenizeStage.run(spark, cfg, DemoCorpus.frame(spark, docs).repartition(3),
        out.toString(), "t1");
  }


  @Test
  void writesTokenizerJsonThatHuggingFaceLoads() throws Exception {
    String json = out.resolve("tokenizer/run_id=t1/tokenizer.json").toString();
    assertThat(result.tokenizerJson()).isEqualTo(json);
    assertThat(result.model().vocabSize()).isEqualTo(600);
    BpeEncoder enc = new BpeEncoder(TokenizerJson.read(json, new Configuration()));
    try (HuggingFaceTokenizer hf = HfTokenizers.load(json, new Configuration())) {
      for (DemoCorpus.Doc d : docs) {
        assertThat(enc.encode(d.text())).isEqualTo(HfTokenizers.encode(hf, d.text()));
      }
    }
  }

  @Test
  void tablesHaveTheSchemasOfTheirFiles() {
    for (String table : List.of("sequences", "tokenizer_stats")) {
      StructType written = spark.read().parquet(Tables.path(out.toString(), table)).schema();
      assertThat(Tables.sameShape(written, Tables.schema(table))).as(table + ": " + written.treeString()).isTrue();
    }
  }

  @Test
  void sequencesRebuildEveryDocumentThatFitsAndSplitsByDocument() {
    BpeEncoder enc = new BpeEncoder(result.model());
    int eot = result.model().endOfTextId();
    Map<String, String> splitOf = new HashMap<>();
    Map<String, TreeMap<Integer, Integer>> tokensOf = new HashMap<>();
    long total = 0;
    for (String split : List.of(DocSplit.TRAIN, DocSplit.VALIDATION)) {
      Sequences seqs = Sequences.read(spark, out.toString(), "t1", split);
      assertThat((long) seqs.size()).isEqualTo(result.sequences().get(split)).isPositive();
      total += seqs.size();
      for (int i = 0; i < seqs.size(); i++) {
        assertThat(seqs.seqIndex(i)).isEqualTo(i);
        int[] toks = seqs.tokens(i);
        assertThat(toks).hasSize(SEQ_LEN + 1);
        Sequences.TokenLabels labels = seqs.labels(i);
        for (int t = 0; t < toks.length; t++) {
          assertThat(labels.docId()[t]).isNotNull();
          String prev = splitOf.putIfAbsent(labels.docId()[t], split);
          assertThat(prev == null || prev.equals(split)).as("doc in both splits").isTrue();
          Integer clash = tokensOf.computeIfAbsent(labels.docId()[t], k -> new TreeMap<>())
              .put(labels.position()[t], toks[t]);
          assertThat(clash).isNull();
        }
      }
    }
    int complete = 0;
    for (DemoCorpus.Doc d : docs) {
      TreeMap<Integer, Integer> got = tokensOf.get(d.docId());
      int[] want = enc.encode(d.text());
      if (got != null && got.size() == want.length + 1) {
        complete++;
        List<Integer> expected = new ArrayList<>();
        for (int id : want) {
          expected.add(id);
        }
        expected.add(eot);
        assertThat(new ArrayList<>(got.values())).as(d.docId()).isEqualTo(expected);
        assertThat(got.firstKey()).isZero();
        assertThat(got.lastKey()).isEqualTo(want.length);
      }
    }
    // Only documents touching a split's dropped tail can be incomplete.
    assertThat(complete).isGreaterThan(docs.size() - 6);
    long validation = splitOf.values().stream().filter(DocSplit.VALIDATION::equals).count();
    assertThat((double) validation / splitOf.size()).isBetween(0.1, 0.3);
    assertThat(total).isEqualTo(result.sequences().values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void packingDoesNotDependOnPartitioning() {
    Dataset<Row> frame = DemoCorpus.frame(spark, docs.subList(0, 80));
    List<Row> one = packed(frame.coalesce(1));
    assertThat(one).hasSizeGreaterThan(50);
    assertThat(packed(frame.repartition(5))).isEqualTo(one);
  }

  private static List<Row> packed(Dataset<Row> frame) {
    Dataset<Row> encoded = SequencePacker.encode(spark, frame, result.model(), 0.2);
    return SequencePacker.pack(spark, encoded, SEQ_LEN).orderBy("split", "seq_index").collectAsList();
  }

  @Test
  void statsCountEveryLanguageAndAddUp() {
    Map<String, Row> byLang = new HashMap<>();
    Row all = null;
    long langTokens = 0;
    for (Row r : result.stats()) {
      if (r.getAs("scope").equals("lang")) {
        byLang.put(r.getAs("lang"), r);
        langTokens += r.<Long>getAs("tokens");
      } else if (r.getAs("scope").equals("all")) {
        all = r;
      }
    }
    assertThat(byLang).hasSize(10);
    assertThat(all).isNotNull();
    assertThat(all.<Long>getAs("documents")).isEqualTo(docs.size());
    assertThat(all.<Long>getAs("tokens")).isEqualTo(langTokens);
    long bytes = docs.stream().mapToLong(d -> d.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
    assertThat(all.<Long>getAs("text_bytes")).isEqualTo(bytes);
    BpeEncoder enc = new BpeEncoder(result.model());
    long tokens = docs.stream().mapToLong(d -> enc.encode(d.text()).length).sum();
    assertThat(all.<Long>getAs("tokens")).isEqualTo(tokens);
    assertThat(byLang.values()).allSatisfy(r -> assertThat(r.<Double>getAs("bytes_per_token")).isGreaterThan(1.0));
    assertThat(all.<Double>getAs("vocab_coverage")).isBetween(0.5, 1.0);
    assertThat(Files.exists(out.resolve("tokenizer_stats/run_id=t1"))).isTrue();
  }
}
