package org.moespark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.routing.RoutingTable;
import org.moespark.routing.SyntheticRouting;
import org.moespark.spark.Sessions;

class ReportCommandTest {
  @Test
  void analysesTheRoutedRunOnceAndWritesThePage(@TempDir Path dir) throws Exception {
    SparkSession spark = Sessions.create("report-command-test", "local[2]");
    RoutingTable.write(SyntheticRouting.demo(5).generate(spark, 20_000, "validation", 5),
        dir.toString(), "cmd");
    Path page = dir.resolve("html");
    String[] args = {"report", "--out", dir.toString(), "--report-dir", page.toString(),
        "--master", "local[2]", "--set", "analysis.permutations=19", "--set", "analysis.bootstrap=19"};
    assertThat(MoeSpark.run(args)).isZero();
    assertThat(Files.isDirectory(dir.resolve("analysis/significance/run_id=cmd"))).isTrue();
    long analysedAt = Files.getLastModifiedTime(dir.resolve("analysis/significance/run_id=cmd")).toMillis();
    String html = Files.readString(page.resolve("index.html"));
    assertThat(html).contains("id=\"run-cmd\"", "split <b>validation</b>", "routing vs. domain in layer 0");
    assertThat(html).contains("/cmd/spec-domain-layer1.svg\"");
    assertThat(page.resolve(html.replaceFirst("(?s).*src=\"([^\"]+/cmd/spec-domain-layer1\\.svg)\".*", "$1")))
        .isNotEmptyFile();

    // Nothing routed since: the rerun leaves the analysis alone and rewrites the page.
    assertThat(MoeSpark.run(args)).isZero();
    assertThat(Files.getLastModifiedTime(dir.resolve("analysis/significance/run_id=cmd")).toMillis())
        .isEqualTo(analysedAt);
    assertThat(page.resolve("index.html")).isNotEmptyFile();
  }
}
