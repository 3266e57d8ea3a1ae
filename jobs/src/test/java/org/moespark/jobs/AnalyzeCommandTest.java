package org.moespark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.analysis.Analyzer;
import org.moespark.routing.RoutingTable;
import org.moespark.routing.SyntheticRouting;
import org.moespark.spark.Sessions;

class AnalyzeCommandTest {
  @Test
  void analyzesARunOfRoutingIntoEveryAnalysisTable(@TempDir Path dir) {
    SparkSession spark = Sessions.create("analyze-command-test", "local[2]");
    RoutingTable.write(SyntheticRouting.demo(3).generate(spark, 20_000, "validation", 5),
        dir.toString(), "cmd");
    int code = MoeSpark.run("analyze", "--out", dir.toString(), "--run-id", "cmd",
        "--master", "local[2]", "--set", "analysis.permutations=19", "--set", "analysis.bootstrap=19");
    assertThat(code).isZero();
    for (String table : Analyzer.tables()) {
      assertThat(Files.isDirectory(dir.resolve(table).resolve("run_id=cmd"))).as(table).isTrue();
    }
    assertThat(MoeSpark.run("analyze", "--out", dir.toString(), "--run-id", "missing",
        "--master", "local[2]")).isEqualTo(2);
  }
}
