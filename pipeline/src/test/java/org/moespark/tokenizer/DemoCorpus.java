package org.moespark.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** The demo corpus shipped in the repository, read once per JVM without Spark. */
final class DemoCorpus {
  static final Path PATH = Path.of("../jobs/corpus/demo.jsonl.gz");
  private static List<Doc> docs;

  record Doc(String docId, String lang, String domain, String text) {}

  private DemoCorpus() {}

  static synchronized List<Doc> all() {
    if (docs == null) {
      ObjectMapper json = new ObjectMapper();
      List<Doc> read = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          new GZIPInputStream(Files.newInputStream(PATH)), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          JsonNode n = json.readTree(line);
          read.add(new Doc(n.get("doc_id").asText(), n.get("lang").asText(), n.get("domain").asText(),
              n.get("text").asText()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      docs = List.copyOf(read);
    }
    return docs;
  }

  /** Up to {@code perLang} documents of every language, in corpus order. */
  static List<Doc> sample(int perLang) {
    Map<String, Integer> taken = new HashMap<>();
    List<Doc> out = new ArrayList<>();
    for (Doc d : all()) {
      if (taken.merge(d.lang(), 1, Integer::sum) <= perLang) {
        out.add(d);
      }
    }
    return out;
  }

  /** {@link #sample}, each text cut to at most {@code maxCodePoints} code points. */
  static List<Doc> shortSample(int perLang, int maxCodePoints) {
    List<Doc> out = new ArrayList<>();
    for (Doc d : sample(perLang)) {
      String t = d.text();
      int n = t.codePointCount(0, t.length());
      String cut = n <= maxCodePoints ? t : t.substring(0, t.offsetByCodePoints(0, maxCodePoints));
      out.add(new Doc(d.docId(), d.lang(), d.domain(), cut));
    }
    return out;
  }

  /** A tokenizer trained on the whole corpus (no Spark, no per-language cap), once per JVM. */
  static synchronized BpeModel model(int vocabSize) {
    return MODELS.computeIfAbsent(vocabSize, v ->
        BpeTrainer.train(WordCounts.countLocal(all().stream().map(Doc::text).iterator()), v));
  }

  private static final Map<Integer, BpeModel> MODELS = new HashMap<>();

  /** Documents as the documents/ table has them (doc_id, lang, domain, text). */
  static Dataset<Row> frame(SparkSession spark, List<Doc> docs) {
    StructType schema = new StructType().add("doc_id", "string").add("lang", "string")
        .add("domain", "string").add("text", "string");
    List<Row> rows = new ArrayList<>();
    for (Doc d : docs) {
      rows.add(RowFactory.create(d.docId(), d.lang(), d.domain(), d.text()));
    }
    return spark.createDataFrame(rows, schema);
  }
}
