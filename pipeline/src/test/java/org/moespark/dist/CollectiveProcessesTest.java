package org.moespark.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ranks as separate JVMs on loopback, as executors will be. */
class CollectiveProcessesTest {
  @TempDir Path dir;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    children.forEach(Process::destroyForcibly);
  }

  @Test
  void twoProcessesSumAVector() throws Exception {
    List<Process> ps = List.of(start(0, 2, "sum", 20_000), start(1, 2, "sum", 20_000));
    double[] sum = CollectiveChild.vector(0);
    double[] other = CollectiveChild.vector(1);
    for (int i = 0; i < sum.length; i++) {
      sum[i] += other[i];
    }
    String expected = "CHECKSUM " + CollectiveChild.checksum(sum);
    for (int r = 0; r < 2; r++) {
      assertThat(ps.get(r).waitFor(60, TimeUnit.SECONDS)).as("rank %d exited", r).isTrue();
      assertThat(output(r)).as("rank %d", r).contains(expected);
      assertThat(ps.get(r).exitValue()).isZero();
    }
  }

  @Test
  void killingOneProcessFailsTheOtherWithinTheDeadline() throws Exception {
    Process survivor = start(0, 2, "loop", 3_000);
    Process victim = start(1, 2, "loop", 3_000);
    awaitOutput(0, "READY");
    awaitOutput(1, "READY");
    long killed = System.nanoTime();
    victim.destroyForcibly();
    assertThat(survivor.waitFor(20, TimeUnit.SECONDS)).as("survivor exited").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(10));
    assertThat(survivor.exitValue()).isEqualTo(3);
    assertThat(output(0)).containsPattern("FAILED .*rank 1.*");
  }

  private Process start(int rank, int size, String mode, long timeoutMillis) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        CollectiveChild.class.getName(), dir.toString(), String.valueOf(rank),
        String.valueOf(size), mode, String.valueOf(timeoutMillis))
        .redirectErrorStream(true)
        .redirectOutput(log(rank))
        .start();
    children.add(p);
    return p;
  }

  private File log(int rank) {
    return dir.resolve("rank" + rank + ".log").toFile();
  }

  private String output(int rank) throws IOException {
    return Files.readString(log(rank).toPath());
  }

  private void awaitOutput(int rank, String text) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!output(rank).contains(text)) {
      assertThat(System.nanoTime()).as("rank %d printed %s; it printed: %s", rank, text,
          output(rank)).isLessThan(end);
      Thread.sleep(50);
    }
  }
}
