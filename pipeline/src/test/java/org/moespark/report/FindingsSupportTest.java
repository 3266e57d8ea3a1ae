package org.moespark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.analysis.AnalysisConfig;
import org.moespark.analysis.Analyzer;
import org.moespark.routing.RoutingRow;
import org.moespark.routing.RoutingTable;
import org.moespark.spark.LocalSpark;

/**
 * Issue 18 item 2 on the real analysis: a language with one validation document, all of whose
 * tokens go to one expert (100%, zero-width CI), is never a finding; the well-supported
 * specialist is, with its counts.
 */
class FindingsSupportTest {
  @TempDir Path tmp;

  @Test
  void aOneDocumentLanguageIsTooLittleDataAndTheSupportedSpecialistIsAFindingWithItsCounts() {
    SparkSession spark = LocalSpark.get();
    String out = tmp.resolve("out").toString();
    Random rnd = new Random(18);
    List<Row> rows = new ArrayList<>();
    addDocs(rows, rnd, "ru", 30, 1, 0.8);     // expert 1 first for 80% of ru tokens
    addDocs(rows, rnd, "en", 30, -1, 0);      // no preference
    addDocs(rows, rnd, "uk", 1, 3, 1.0);      // one document, every token to expert 3
    RoutingTable.write(spark.createDataFrame(rows, RoutingTable.inputSchema()), out, "sup");
    new Analyzer(new AnalysisConfig(199, 200, 0.95, 7, 3, 1), 4, 2, id -> "t" + id)
        .run(spark, out, "sup");
    RunData d = RunData.read(spark, out, "sup", RunCatalog.of(spark, out), List.of("validation"));

    List<Findings.Sentence> sentences = Findings.sentences(d, ReportOptions.all());
    List<String> findings = sentences.stream().filter(Findings.Sentence::significant)
        .map(Findings.Sentence::html).toList();
    assertThat(findings).isNotEmpty().allMatch(s -> !s.contains(" of uk tokens"));
    assertThat(findings.get(0)).startsWith("Expert 1 in layer 0 takes <b>")
        .contains("of ru tokens (", " of 1,800 tokens in 30 documents), uniform 50%, 95% CI ");
    assertThat(sentences).filteredOn(s -> s.kind() == Findings.Kind.TOO_LITTLE_DATA)
        .extracting(Findings.Sentence::html).containsExactly("Too little data for a finding about the"
            + " language <b>uk</b> (1 document, 60 tokens): a language needs at least 10 documents"
            + " and 1,000 tokens (analysis.min-docs, analysis.min-tokens).");

    // The threshold is what keeps uk out: without it, uk's 100% would lead the findings.
    ReportOptions noMinimum = new ReportOptions(Set.of(), null, List.of("validation"), 0.95, 1, 1);
    assertThat(Findings.sentences(d, noMinimum).get(0).html()).contains(" of uk tokens (60 of 60 tokens in 1 document)");
  }

  /** {@code docs} documents of 60 tokens; with probability {@code p} the first choice is {@code expert}. */
  private static void addDocs(List<Row> rows, Random rnd, String lang, int docs, int expert, double p) {
    for (int doc = 0; doc < docs; doc++) {
      for (int pos = 0; pos < 60; pos++) {
        int first = expert >= 0 && rnd.nextDouble() < p ? expert : rnd.nextInt(4);
        int second = (first + 1 + rnd.nextInt(3)) % 4;
        int token = rnd.nextInt(50);
        rows.add(new RoutingRow(10, "validation", lang + "-" + doc, lang, "web", pos, token, 0,
            0, first, 0.7f, false).toRow());
        rows.add(new RoutingRow(10, "validation", lang + "-" + doc, lang, "web", pos, token, 0,
            1, second, 0.3f, false).toRow());
      }
    }
  }
}
