package org.moespark.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.spark.LocalSpark;
import org.moespark.spark.Tables;

class IngestTest {
  static SparkSession spark;
  static final IngestConfig CFG = new IngestConfig(200, 50, ".*/text/(?<lang>[a-z]{2})/(?<domain>[a-z]+)/[^/]+$");

  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    spark = LocalSpark.get();
  }

  /** Every bad kind the issue lists, next to good records, in every input format. */
  static Path badCorpus() throws IOException {
    Path in = dir.resolve("in");
    Files.createDirectories(in.resolve("text/de/prose"));
    String good = "{\"doc_id\":\"g1\",\"lang\":\" EN \",\"domain\":\"Docs\",\"text\":\"hello\",\"source\":\"s\",\"year\":1999}\n"
        + "\n"                                                                  // blank: not a record
        + "{\"doc_id\":\"g2\",\"lang\":\"ru\",\"domain\":\"prose\",\"text\":\"привет\"}\r\n"
        + "{\"doc_id\":\"bad1\",\"lang\":\"en\",\"domain\":\"docs\",\"text\":\"unterminated\n"  // malformed
        + "[1,2,3]\n"                                                           // not an object
        + "{\"doc_id\":\"m1\",\"lang\":\"en\",\"domain\":\"docs\"}\n"            // missing text
        + "{\"doc_id\":\"e1\",\"lang\":\"en\",\"domain\":\"docs\",\"text\":\"  \"}\n"  // empty text
        + "{\"doc_id\":\"l1\",\"domain\":\"docs\",\"text\":\"x\"}\n"             // missing lang
        + "{\"doc_id\":\"d1\",\"lang\":\"en\",\"domain\":\"\",\"text\":\"x\"}\n" // missing domain
        + "{\"lang\":\"en\",\"domain\":\"docs\",\"text\":\"x\"}\n"               // missing doc_id
        + "{\"doc_id\":\"big\",\"lang\":\"en\",\"domain\":\"docs\",\"text\":\"" + "a".repeat(201) + "\"}\n"
        + "{\"doc_id\":\"g1\",\"lang\":\"en\",\"domain\":\"docs\",\"text\":\"again\"}\n";  // duplicate
    Files.writeString(in.resolve("a.jsonl"), good);
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    bad.write("{\"doc_id\":\"u1\",\"lang\":\"fr\",\"domain\":\"docs\",\"text\":\"caf".getBytes(StandardCharsets.UTF_8));
    bad.write(0xE9);                                                            // Latin-1 'é'
    bad.write("\"}\n".getBytes(StandardCharsets.UTF_8));
    Files.write(in.resolve("latin1.jsonl"), bad.toByteArray());                 // a file that is not UTF-8
    Files.write(in.resolve("empty.jsonl"), new byte[0]);                        // 0-byte file
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(in.resolve("b.jsonl.gz")))) {
      gz.write("{\"doc_id\":\"z1\",\"lang\":\"zh\",\"domain\":\"poetry\",\"text\":\"床前明月光\"}\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(in.resolve("text/de/prose/t1.txt"), "Ein Text.");
    Files.write(in.resolve("text/de/prose/t2.txt"), new byte[] {(byte) 0xC3, (byte) 0x28});  // bad UTF-8
    Files.writeString(in.resolve("text/nolabels.txt"), "no lang in path");
    spark.createDataFrame(List.of(
            org.apache.spark.sql.RowFactory.create("p1", "it", "legal", "Articolo 1", "udhr"),
            org.apache.spark.sql.RowFactory.create("p2", "it", "legal", null, "udhr")),
        new org.apache.spark.sql.types.StructType()
            .add("doc_id", "string").add("lang", "string").add("domain", "string")
            .add("text", "string").add("source", "string"))
        .coalesce(1).write().parquet(in.resolve("pq.parquet").toString());
    return in;
  }

  @Test
  void badInputLosesNothingAndCountsEveryReason() throws IOException {
    Path in = badCorpus();
    String out = dir.resolve("out").toString();
    Ingest.Result r = Ingest.run(spark, CFG, List.of(in.toString()), InputFormat.AUTO, out, "r1");

    assertThat(r.read()).isEqualTo(r.documents() + r.quarantined());
    assertThat(r.read()).isEqualTo(19);
    assertThat(r.documents()).isEqualTo(5);
    assertThat(r.byReason()).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("malformed_json", 2L),
        Map.entry("invalid_utf8", 2L),
        Map.entry("missing_text", 2L),
        Map.entry("empty_text", 1L),
        Map.entry("missing_lang", 2L),
        Map.entry("missing_domain", 1L),
        Map.entry("missing_doc_id", 1L),
        Map.entry("text_too_long", 1L),
        Map.entry("duplicate_doc_id", 1L),
        Map.entry("empty_file", 1L)));

    List<Row> docs = Tables.read(spark, out, "documents", "r1").orderBy("doc_id").collectAsList();
    assertThat(docs).extracting(d -> d.<String>getAs("doc_id"))
        .containsExactly("g1", "g2", "p1", "text/de/prose/t1.txt", "z1");
    Row g1 = docs.get(0);
    assertThat(g1.<String>getAs("lang")).isEqualTo("en");
    assertThat(g1.<String>getAs("domain")).isEqualTo("docs");
    assertThat(g1.<String>getAs("text")).isEqualTo("hello");  // the first occurrence is kept
    assertThat(g1.<scala.collection.Map<String, String>>getAs("extra").get("year").get()).isEqualTo("1999");
    assertThat(docs.get(1).<String>getAs("text")).isEqualTo("привет");
    assertThat(docs.get(3).<String>getAs("lang")).isEqualTo("de");

    Row utf = Tables.read(spark, out, "quarantine", "r1").where("reason = 'invalid_utf8' and line = 1")
        .first();
    assertThat(utf.<String>getAs("source_file")).endsWith("latin1.jsonl");
    assertThat(utf.<String>getAs("detail")).contains("byte 54").contains("0xe9");
    Row big = Tables.read(spark, out, "quarantine", "r1").where("reason = 'text_too_long'").first();
    assertThat(big.<Long>getAs("line")).isEqualTo(11L);  // line numbers count the blank line too
    assertThat(big.<String>getAs("raw")).hasSize(50);  // truncated at ingest.raw-truncate-chars
    assertThat(big.<String>getAs("detail")).contains("201 bytes").contains("max-text-bytes = 200");
  }

  @Test
  void writtenTablesMatchTheirSchemaFilesAndARerunReplacesItsRun() throws IOException {
    Path in = dir.resolve("small");
    Files.createDirectories(in);
    Files.writeString(in.resolve("x.jsonl"),
        "{\"doc_id\":\"a\",\"lang\":\"en\",\"domain\":\"docs\",\"text\":\"t\"}\n{\"doc_id\":\"b\"}\n");
    String out = dir.resolve("out2").toString();
    Ingest.run(spark, CFG, List.of(in.toString()), InputFormat.AUTO, out, "a");
    Ingest.run(spark, CFG, List.of(in.toString()), InputFormat.AUTO, out, "a");
    Ingest.run(spark, CFG, List.of(in.toString()), InputFormat.JSONL, out, "b");

    for (String table : List.of("documents", "quarantine")) {
      org.apache.spark.sql.types.StructType written = spark.read().parquet(Tables.path(out, table)).schema();
      assertThat(Tables.sameShape(written, Tables.schema(table)))
          .as("%s written as %s", table, written.treeString()).isTrue();
    }
    assertThat(spark.read().parquet(Tables.path(out, "documents")).where("run_id = 'a'").count()).isEqualTo(1);
    assertThat(spark.read().parquet(Tables.path(out, "quarantine")).where("run_id = 'a'").count()).isEqualTo(1);
    assertThat(spark.read().parquet(Tables.path(out, "documents")).count()).isEqualTo(2);
  }

  @Test
  void aMissingInputNamesThePath() {
    assertThatThrownBy(() -> Ingest.run(spark, CFG, List.of(dir.resolve("nope").toString()),
        InputFormat.AUTO, dir.resolve("o").toString(), "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
  }
}
