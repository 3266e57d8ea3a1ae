package org.moespark.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.moespark.spark.LocalSpark;

class WordCountsTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.get();
  }


  @Test
  void mergesAreTheSameWithOneOrFourPartitions() {
    Dataset<Row> docs = DemoCorpus.frame(spark, DemoCorpus.sample(40));
    BpeModel one = BpeTrainer.train(WordCounts.count(docs.coalesce(1), 0), 700);
    BpeModel four = BpeTrainer.train(WordCounts.count(docs.repartition(4), 0), 700);
    assertThat(TokenizerJson.toJson(four)).isEqualTo(TokenizerJson.toJson(one));
    assertThat(one.vocabSize()).isEqualTo(700);
  }

  @Test
  void countsEqualTheLocalCount() {
    List<DemoCorpus.Doc> sample = DemoCorpus.sample(20);
    Map<String, Long> spark4 = WordCounts.count(DemoCorpus.frame(spark, sample).repartition(4), 0);
    assertThat(spark4).isEqualTo(WordCounts.countLocal(sample.stream().map(DemoCorpus.Doc::text).iterator()));
  }

  @Test
  void capKeepsEachLanguageNearTheLimit() {
    Dataset<Row> docs = DemoCorpus.frame(spark, DemoCorpus.sample(300));
    long cap = 20_000;
    Map<String, Long> bytesPerLang = new java.util.HashMap<>();
    for (Row r : WordCounts.capPerLang(docs, cap).select("lang", "text").collectAsList()) {
      bytesPerLang.merge(r.getString(0), (long) r.getString(1).getBytes(StandardCharsets.UTF_8).length, Long::sum);
    }
    assertThat(bytesPerLang).hasSize(10);
    // Each language stops at the first document that crosses the cap.
    long longestDoc = DemoCorpus.sample(300).stream()
        .mapToLong(d -> d.text().getBytes(StandardCharsets.UTF_8).length).max().orElseThrow();
    assertThat(bytesPerLang.values()).allSatisfy(b -> assertThat(b).isLessThan(cap + longestDoc));
    assertThat(bytesPerLang.get("en")).isGreaterThanOrEqualTo(cap);
  }
}
