package org.moespark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.spark.Sessions;

class TokenizeCommandTest {
  @TempDir Path out;

  @Test
  void tokenizesTheDocumentsOfARun() throws Exception {
    SparkSession spark = Sessions.create("TokenizeCommandTest", "local[1]");
    List<Row> docs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      docs.add(RowFactory.create("d" + i, i % 2 == 0 ? "en" : "de", "prose",
          i % 2 == 0 ? "the cat sat on the mat number " + i : "die Katze sass auf der Matte Nummer " + i));
    }
    StructType schema = new StructType().add("doc_id", "string").add("lang", "string")
        .add("domain", "string").add("text", "string");
    spark.createDataFrame(docs, schema).write().parquet(out.resolve("documents/run_id=r1").toString());
    spark.stop();

    int code = MoeSpark.run("tokenize", "--out", out.toString(), "--run-id", "r1", "--master", "local[1]",
        "--set", "tokenizer.vocab-size=300", "--set", "tokenizer.seq-len=15",
        "--set", "tokenizer.validation-fraction=0.2");

    assertThat(code).isZero();
    assertThat(out.resolve("tokenizer/run_id=r1/tokenizer.json")).isRegularFile();
    assertThat(Files.list(out.resolve("sequences/run_id=r1")).map(p -> p.getFileName().toString()))
        .contains("split=train", "split=validation");
    assertThat(out.resolve("tokenizer_stats/run_id=r1")).isDirectory();
  }
}
