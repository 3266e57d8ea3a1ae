package org.moespark.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.spark.LocalSpark;

/**
 * The Zeppelin notes in notebooks/: each is a note as Zeppelin 0.11 stores it, and each of its
 * %spark.sql paragraphs runs in Spark SQL over real tables and returns rows whose columns match the
 * paragraph's chart settings. Views are registered as the note's %spark paragraph does it.
 */
class NotebooksTest {
  static final Path NOTEBOOKS = Path.of("..", "notebooks");
  static final String RUN = "nb-run";
  private static final Pattern FILE = Pattern.compile("(.+)_([A-Z0-9]{9})\\.zpln");
  private static final Pattern TABLES = Pattern.compile("val tables = Seq\\(([^)]*)\\)");
  private static final Pattern NOTE_TEXTBOX = Pattern.compile("z\\.noteTextbox\\(\"(\\w+)\", \"([^\"]*)\"\\)");
  private static final Pattern NOTE_FORM = Pattern.compile("\\$\\$\\{(\\w+)}");
  private static final Pattern PARAGRAPH_FORM = Pattern.compile("(?<!\\$)\\$\\{(\\w+)=([^}]*)}");
  private static final Set<String> MODES = Set.of("table", "multiBarChart", "lineChart",
      "stackedAreaChart", "pieChart", "scatterChart");

  @TempDir static Path tmp;
  static String out;

  @BeforeAll
  static void tables() {
    SparkSession spark = LocalSpark.get();
    out = tmp.resolve("out").toString();
    ReportFixtures.documents(spark, out, RUN);
    ReportFixtures.routing(spark, out, RUN);
    ReportFixtures.training(spark, out, RUN, "moe", 1);
    ReportFixtures.training(spark, out, "nb-dense", "dense", 2);
    ReportFixtures.analysis(spark, out, RUN);
  }

  static List<Path> notes() throws Exception {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      return files.filter(p -> p.toString().endsWith(".zpln")).sorted().toList();
    }
  }

  @Test
  void theThreeNotesExistAndOneIsCronScheduled() throws Exception {
    List<String> names = new ArrayList<>();
    int cron = 0;
    for (Path p : notes()) {
      JsonNode note = new ObjectMapper().readTree(p.toFile());
      names.add(note.get("name").asText());
      String expr = note.get("config").path("cron").asText("");
      if (!expr.isEmpty()) {
        cron++;
        // Zeppelin's scheduler takes Quartz cron: seconds minutes hours day-of-month month day-of-week.
        assertThat(expr.split(" ")).as(p + " cron").hasSizeBetween(6, 7);
        assertThat(note.get("config").get("isZeppelinNotebookCronEnable").asBoolean()).isTrue();
      }
    }
    assertThat(names).containsExactlyInAnyOrder("Routing overview",
        "Specialization by language and domain", "Training curves");
    assertThat(cron).isEqualTo(1);
  }

  @Test
  void everyNoteIsZeppelinNoteJsonAndEverySqlParagraphReturnsRowsForItsChart() throws Exception {
    SparkSession spark = LocalSpark.get();
    int executed = 0;
    for (Path p : notes()) {
      Matcher file = FILE.matcher(p.getFileName().toString());
      assertThat(file.matches()).as(p + " is <name>_<noteId>.zpln").isTrue();
      JsonNode note = new ObjectMapper().readTree(p.toFile());
      assertThat(note.get("name").asText()).isEqualTo(file.group(1));
      assertThat(note.get("id").asText()).isEqualTo(file.group(2));
      for (String field : List.of("paragraphs", "config", "info", "noteParams", "noteForms", "angularObjects")) {
        assertThat(note.has(field)).as(p + " has " + field).isTrue();
      }
      assertThat(note.get("defaultInterpreterGroup").asText()).isEqualTo("spark");
      assertThat(note.get("version").asText()).startsWith("0.11");

      JsonNode paragraphs = note.get("paragraphs");
      Set<String> ids = new HashSet<>();
      for (JsonNode par : paragraphs) {
        for (String field : List.of("id", "text", "config", "settings", "status", "jobName", "dateCreated")) {
          assertThat(par.has(field)).as(p + " paragraph has " + field).isTrue();
        }
        assertThat(ids.add(par.get("id").asText())).as("unique id " + par.get("id")).isTrue();
        assertThat(par.get("text").asText()).matches("(?s)%(md|spark|spark\\.sql|sh)\\n.*");
        assertThat(par.get("config").get("editorSetting").get("language").asText()).isNotEmpty();
        assertThat(par.get("settings").has("params") && par.get("settings").has("forms")).isTrue();
      }
      assertThat(paragraphs.get(0).get("text").asText()).startsWith("%md\n");

      // The views paragraph: note parameters out and run_id, and the tables it registers.
      String views = paragraphs.get(1).get("text").asText();
      assertThat(views).startsWith("%spark\n");
      Matcher params = NOTE_TEXTBOX.matcher(views);
      Set<String> paramNames = new HashSet<>();
      while (params.find()) {
        paramNames.add(params.group(1));
        assertThat(note.get("noteParams").get(params.group(1)).asText()).isEqualTo(params.group(2));
      }
      assertThat(paramNames).containsExactlyInAnyOrder("out", "run_id");
      registerViews(spark, views);

      for (JsonNode par : paragraphs) {
        String text = par.get("text").asText();
        if (!text.startsWith("%spark.sql\n")) {
          continue;
        }
        String title = p.getFileName() + " / " + par.get("title").asText();
        Dataset<Row> result = spark.sql(substitute(text.substring("%spark.sql\n".length())));
        List<String> columns = List.of(result.columns());
        assertThat(result.collectAsList()).as(title).isNotEmpty();
        executed++;
        JsonNode graph = par.get("config").get("results").get("0").get("graph");
        assertThat(MODES).as(title).contains(graph.get("mode").asText());
        if (!graph.get("mode").asText().equals("table")) {
          assertThat(graph.get("keys")).as(title + " keys").isNotEmpty();
          assertThat(graph.get("values")).as(title + " values").isNotEmpty();
          for (String part : List.of("keys", "groups", "values")) {
            for (JsonNode c : graph.get(part)) {
              assertThat(columns.indexOf(c.get("name").asText())).as(title + " " + part + " " + c)
                  .isEqualTo(c.get("index").asInt());
            }
          }
        }
      }
    }
    assertThat(executed).isGreaterThanOrEqualTo(18);
  }

  /** What the note's first %spark paragraph does, with the note parameter out set to the test's root. */
  private static void registerViews(SparkSession spark, String code) {
    Matcher m = TABLES.matcher(code);
    assertThat(m.find()).as("views paragraph lists its tables in `val tables = Seq(...)`").isTrue();
    for (String quoted : m.group(1).split(",")) {
      String table = quoted.trim().replace("\"", "");
      spark.read().parquet(out + "/" + table).createOrReplaceTempView(table.replace('/', '_'));
    }
  }

  /** Zeppelin's form substitution: note forms from the note parameters, paragraph forms at their defaults. */
  private static String substitute(String sql) {
    Matcher note = NOTE_FORM.matcher(sql);
    StringBuilder b = new StringBuilder();
    while (note.find()) {
      String value = switch (note.group(1)) {
        case "run_id" -> RUN;
        case "out" -> out;
        default -> throw new AssertionError("unknown note form " + note.group());
      };
      note.appendReplacement(b, Matcher.quoteReplacement(value));
    }
    note.appendTail(b);
    return PARAGRAPH_FORM.matcher(b.toString()).replaceAll(r -> Matcher.quoteReplacement(r.group(2)));
  }
}
