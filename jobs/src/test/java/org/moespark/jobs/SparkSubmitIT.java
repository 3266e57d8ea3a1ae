package org.moespark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar under {@code spark-submit}: {@code org.apache.spark.deploy.SparkSubmit} in a child
 * JVM whose classpath is Spark's jars only (as on a stock Spark install), our code from the jar.
 */
class SparkSubmitIT {
  @TempDir Path dir;

  @Test
  void spark_submitRunsIngestOnTheDemoCorpus() throws Exception {
    Path jar = Path.of(System.getProperty("moe.jar"));
    Path root = Path.of(System.getProperty("moe.root"));
    assertThat(jar).exists();
    // Spark's own jars: the provided-scope entries of this JVM's classpath (no moe-spark classes).
    String sparkCp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.endsWith(".jar") && !p.contains("moe-spark") && !p.contains("nd4j")
            && !p.contains("bytedeco") && !p.contains("picocli") && !p.contains("typesafe"))
        .collect(Collectors.joining(File.pathSeparator));
    Path out = dir.resolve("out");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g"));
    cmd.addAll(Arrays.asList(System.getProperty("spark.add.opens.list", "").split(" ")));
    cmd.removeIf(String::isBlank);
    cmd.addAll(List.of("-cp", sparkCp, "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]", "--conf", "spark.ui.enabled=false",
        "--class", "org.moespark.jobs.MoeSpark", jar.toString(),
        "ingest", "--input", root.resolve("jobs/corpus/demo.jsonl.gz").toString(),
        "--out", out.toString(), "--run-id", "submit"));
    Path log = dir.resolve("log.txt");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("ingest: 14282 records read, 14282 documents, 0 quarantined");
    assertThat(out.resolve("documents/run_id=submit")).isDirectory();
  }
}
