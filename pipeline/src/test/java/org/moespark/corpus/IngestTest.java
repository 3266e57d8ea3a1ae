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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

  /**
   * The hostile corpus of issue #14, beside good files: a symlink loop, a Parquet file with INT32
   * doc_id and INT64 text, a lone surrogate, numeric labels, a BOM, CRLF, a raw NUL, a truncated
   * gzip, a .gz that is not gzip, a corrupt Parquet file, a broken link and a FIFO.
   */
  static Path hostileCorpus() throws IOException, InterruptedException {
    Path in = dir.resolve("hostile");
    Path web = Files.createDirectories(in.resolve("text/en/web"));
    Files.writeString(web.resolve("a.txt"), "hi");
    Files.createSymbolicLink(web.resolve("up"), Path.of(".."));
    Files.createSymbolicLink(in.resolve("text/en/self"), Path.of("../en"));
    Files.writeString(web.resolve("crlf.txt"), "line one\r\nline two\r\n");
    Files.createSymbolicLink(in.resolve("broken.jsonl"), in.resolve("no-such-target.jsonl"));
    spark.createDataFrame(List.of(RowFactory.create("pq1", "it", "legal", "Articolo 1"),
            RowFactory.create("pq2", "it", "legal", "Articolo 2")),
        new StructType().add("doc_id", "string").add("lang", "string").add("domain", "string")
            .add("text", "string"))
        .coalesce(1).write().parquet(in.resolve("good.parquet").toString());
    spark.createDataFrame(List.of(RowFactory.create(1, "it", "legal", 10L),
            RowFactory.create(2, "it", "legal", 20L)),
        new StructType().add("doc_id", "int").add("lang", "string").add("domain", "string")
            .add("text", "long"))
        .coalesce(1).write().parquet(in.resolve("wrong.parquet").toString());
    Files.write(in.resolve("corrupt.parquet"), "PAR1 this is not a parquet file".getBytes(StandardCharsets.UTF_8));
    Files.writeString(in.resolve("labels.jsonl"), String.join("\n",
        "{\"text\":\"x\\ud800y\",\"doc_id\":\"s1\",\"lang\":\"en\",\"domain\":\"web\"}",
        "{\"doc_id\":\"n1\",\"lang\":42,\"domain\":\"web\",\"text\":\"t\"}",
        "{\"doc_id\":\"n2\",\"lang\":\"en\",\"domain\":7,\"text\":\"t\"}",
        "{\"doc_id\":\"n3\",\"lang\":\"en\",\"domain\":\"web\",\"text\":42}",
        "{\"doc_id\":42,\"lang\":\"en\",\"domain\":\"web\",\"text\":\"t\"}",
        "{\"doc_id\":\"ok1\",\"lang\":\"en\",\"domain\":\"web\",\"text\":\"pair \\ud83d\\ude00\"}",
        "{\"doc_id\":\"twice\",\"lang\":\"en\",\"domain\":\"web\",\"text\":\"a\",\"text\":\"b\"}"));
    ByteArrayOutputStream bom = new ByteArrayOutputStream();
    bom.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    bom.write(("{\"doc_id\":\"b1\",\"lang\":\"en\",\"domain\":\"web\",\"text\":\"first\"}\r\n"
        + "{\"doc_id\":\"b2\",\"lang\":\"en\",\"domain\":\"web\",\"text\":\"second\"}\r\n")
        .getBytes(StandardCharsets.UTF_8));
    Files.write(in.resolve("bom.jsonl"), bom.toByteArray());
    Files.writeString(in.resolve("nul.jsonl"),
        "{\"doc_id\":\"z\",\"lang\":\"en\",\"domain\":\"web\",\"text\":\"a\u0000b\"}\n");
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    java.util.Random random = new java.util.Random(1);
    try (OutputStream out = new GZIPOutputStream(gz)) {
      for (int i = 0; i < 20; i++) {
        StringBuilder text = new StringBuilder();
        random.ints(120, 'a', 'z' + 1).forEach(c -> text.append((char) c));
        out.write(("{\"doc_id\":\"cut" + i + "\",\"lang\":\"en\",\"domain\":\"web\",\"text\":\""
            + text + "\"}\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] whole = gz.toByteArray();
    Files.write(in.resolve("cut.jsonl.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));
    Files.writeString(in.resolve("plain.jsonl.gz"), "{\"doc_id\":\"g\"} is not gzip\n");
    // A FIFO nobody writes to: reading it would block forever.
    new ProcessBuilder("mkfifo", in.resolve("pipe.jsonl").toString()).inheritIO().start().waitFor();
    return in;
  }

  @Test
  @Timeout(120)
  void aHostileCorpusIngestsQuicklyWithEveryBadKindUnderItsOwnReason() throws Exception {
    Path in = hostileCorpus();
    String out = dir.resolve("out-hostile").toString();
    long t0 = System.nanoTime();
    Ingest.Result r = Ingest.run(spark, CFG, List.of(in.toString()), InputFormat.AUTO, out, "h");
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("hostile corpus: %.1f s, %s%n", seconds, r);

    assertThat(seconds).isLessThan(60);
    assertThat(r.read()).isEqualTo(r.documents() + r.quarantined());
    List<Row> docs = Tables.read(spark, out, "documents", "h").orderBy("doc_id").collectAsList();
    List<String> ids = docs.stream().map(d -> d.<String>getAs("doc_id")).toList();
    long fromCut = ids.stream().filter(id -> id.startsWith("cut")).count();
    assertThat(fromCut).isBetween(1L, 19L);
    assertThat(ids.stream().filter(id -> !id.startsWith("cut"))).containsExactly(
        "b1", "b2", "ok1", "pq1", "pq2", "text/en/web/a.txt", "text/en/web/crlf.txt");
    boolean fifo = Files.exists(in.resolve("pipe.jsonl"));
    assertThat(r.byReason()).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("symlink_loop", 2L),
        Map.entry("invalid_text", 3L),       // 2 from wrong.parquet (INT64), 1 JSON number
        Map.entry("invalid_unicode", 1L),
        Map.entry("invalid_lang", 1L),
        Map.entry("invalid_domain", 1L),
        Map.entry("invalid_doc_id", 1L),
        Map.entry("malformed_json", 2L),     // raw NUL, repeated key
        // truncated gzip, not gzip, corrupt Parquet, broken link (+ the FIFO)
        Map.entry("unreadable_file", fifo ? 5L : 4L)));

    // Text is kept byte-exact: CRLF, the BOM-less first record, a surrogate pair.
    Map<String, String> text = new java.util.HashMap<>();
    docs.forEach(d -> text.put(d.getAs("doc_id"), d.getAs("text")));
    assertThat(text.get("text/en/web/crlf.txt")).isEqualTo("line one\r\nline two\r\n");
    assertThat(text.get("b1")).isEqualTo("first");
    assertThat(text.get("ok1")).isEqualTo("pair \ud83d\ude00");

    Dataset<Row> q = Tables.read(spark, out, "quarantine", "h");
    Row surrogate = q.where("reason = 'invalid_unicode'").first();
    assertThat(surrogate.<String>getAs("raw")).contains("x\\ud800y");  // the line as read
    assertThat(surrogate.<String>getAs("detail")).contains("'text'", "U+D800");
    assertThat(q.where("reason = 'invalid_lang'").first().<String>getAs("detail"))
        .contains("'lang' is a number (42)");
    Row parquet = q.where("reason = 'invalid_text' and source_file like '%wrong.parquet%'")
        .orderBy("line").first();
    assertThat(parquet.<Long>getAs("line")).isEqualTo(1L);
    assertThat(parquet.<String>getAs("detail")).contains("INT64", "10");
    assertThat(parquet.<String>getAs("raw"))  // the row as JSON, cut at raw-truncate-chars = 50
        .isEqualTo("{\"doc_id\":1,\"lang\":\"it\",\"domain\":\"legal\",\"text\":10}".substring(0, 50));
    assertThat(q.where("reason = 'unreadable_file' and source_file like '%cut.jsonl.gz'").first()
        .<String>getAs("detail")).contains("read failed after line " + fromCut);
    assertThat(q.where("reason = 'unreadable_file' and source_file like '%corrupt.parquet'").count())
        .isEqualTo(1);
    assertThat(q.where("reason = 'symlink_loop'").collectAsList())
        .extracting(l -> l.<String>getAs("source_file"))
        .anySatisfy(f -> assertThat(f).endsWith("text/en/web/up"))
        .anySatisfy(f -> assertThat(f).endsWith("text/en/self"));
  }

  @Test
  void anInputDirectoryWithoutFilesNamesThePath() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("nothing/_hidden"));
    Files.writeString(empty.resolve("x.jsonl"), "{}");
    assertThatThrownBy(() -> InputFiles.expand(List.of(dir.resolve("nothing").toString()),
        InputFormat.AUTO, new org.apache.hadoop.conf.Configuration()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nothing: the directory holds no input files");
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
