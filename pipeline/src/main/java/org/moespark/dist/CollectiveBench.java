package org.moespark.dist;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code moe-spark bench collective}: all-reduce and all-to-all-v of float vectors between
 * separate JVMs on loopback over {@link NettyTransport}, next to a plain loopback socket copy of
 * the same bytes measured in the same run. Bandwidths as nccl-tests define them: algorithm
 * bandwidth = vector bytes / time; bus bandwidth = algbw × 2(n−1)/n for all-reduce and ×(n−1)/n
 * for all-to-all, comparable with one link's speed. Children run on this JVM's class path.
 */
public final class CollectiveBench {
  private static final long MB = 1 << 20;
  private static final long PROCESS_WAIT_SECONDS = 600;

  private CollectiveBench() {}

  /**
   * @param iterations timed calls per size; 0 picks by size (fewer for large vectors) to keep the
   *     default run near a minute
   */
  public record Settings(List<Integer> ranks, List<Integer> sizesMb, int iterations,
      Duration timeout) {
    public static Settings defaults() {
      return new Settings(List.of(2, 4), List.of(1, 4, 16, 64), 0, Duration.ofSeconds(60));
    }

    int iterationsFor(long bytes) {
      return iterations > 0 ? iterations : (int) Math.max(1, Math.min(10, 64 * MB / bytes));
    }
  }

  public static void run(Settings settings, PrintStream out) {
    out.printf("collective bench: Netty on loopback, float32, ranks %s, sizes %s MB, %d cores%n",
        settings.ranks(), settings.sizesMb(), Runtime.getRuntime().availableProcessors());
    List<Long> sizes = settings.sizesMb().stream().map(m -> m * MB).toList();
    double[] socket = new double[sizes.size()];
    for (int i = 0; i < sizes.size(); i++) {
      long b = sizes.get(i);
      socket[i] = SocketCopy.gbPerSecond((int) b, settings.iterationsFor(b));
    }
    out.printf("%-10s %5s %6s %5s %9s %11s %11s %12s %13s%n", "op", "ranks", "MB", "iters",
        "ms/op", "algbw GB/s", "busbw GB/s", "socket GB/s", "busbw/socket");
    for (int n : settings.ranks()) {
      for (String line : world(n, settings)) {
        String[] f = line.split(" ");
        String op = f[1];
        long bytes = Long.parseLong(f[2]);
        int iters = Integer.parseInt(f[3]);
        double seconds = Double.parseDouble(f[4]);
        double alg = bytes / seconds / 1e9;
        double bus = alg * (op.equals("allReduce") ? 2.0 * (n - 1) / n : (n - 1.0) / n);
        double sock = socket[sizes.indexOf(bytes)];
        out.printf("%-10s %5d %6d %5d %9.2f %11.3f %11.3f %12.3f %13.3g%n", op, n, bytes / MB,
            iters, seconds * 1e3, alg, bus, sock, bus / sock);
      }
    }
  }

  /** Runs one world of {@code n} child JVMs; returns rank 0's RESULT lines. */
  private static List<String> world(int n, Settings settings) {
    Path dir = tempDir();
    List<Process> ps = new ArrayList<>();
    try {
      String sizes = settings.sizesMb().stream().map(m -> String.valueOf(m * MB))
          .collect(Collectors.joining(","));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      for (int r = 0; r < n; r++) {
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-cp",
            System.getProperty("java.class.path"), CollectiveBench.class.getName(),
            dir.toString(), String.valueOf(r), String.valueOf(n), sizes,
            String.valueOf(settings.iterations()), String.valueOf(settings.timeout().toMillis()))
            .redirectErrorStream(true)
            .redirectOutput(log(dir, r));
        // The children only copy and add in Java: keep ND4J's thread pools out of their way.
        pb.environment().put("OMP_NUM_THREADS", "1");
        ps.add(pb.start());
      }
      for (int r = 0; r < n; r++) {
        Process p = ps.get(r);
        if (!p.waitFor(PROCESS_WAIT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("bench rank " + r + " of " + n + " failed:\n"
              + tail(Files.readString(log(dir, r).toPath())));
        }
      }
      return Files.readAllLines(log(dir, 0).toPath()).stream()
          .filter(l -> l.startsWith("RESULT ")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      ps.forEach(Process::destroyForcibly);
    }
  }

  /**
   * One rank: {@code dir rank size sizes(bytes, comma-separated) iterations(0 = by size)
   * timeoutMillis}. Rank 0 prints {@code RESULT op bytes iterations secondsPerCall}.
   */
  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int rank = Integer.parseInt(args[1]);
    int n = Integer.parseInt(args[2]);
    long[] sizes = Arrays.stream(args[3].split(",")).mapToLong(Long::parseLong).toArray();
    Settings settings = new Settings(List.of(n), List.of(), Integer.parseInt(args[4]),
        Duration.ofMillis(Long.parseLong(args[5])));
    CollectiveOptions options = CollectiveOptions.of(settings.timeout());
    NettyTransport transport = NettyTransport.bind("127.0.0.1");
    List<String> addresses = FileRendezvous.exchange(dir, rank, n,
        "127.0.0.1:" + transport.port(), settings.timeout());
    try (Collective c = transport.connect(rank, addresses, 0, options)) {
      for (long bytes : sizes) {
        int iters = settings.iterationsFor(bytes);
        INDArray v = Nd4j.valueArrayOf(new long[] {bytes / 4}, rank + 1f);
        report(c, "allReduce", bytes, iters, () -> c.allReduceSum(v));
        INDArray recv = Nd4j.create(DataType.FLOAT, bytes / 4);
        long[] counts = evenCounts(bytes / 4, n);
        report(c, "allToAllV", bytes, iters, () -> c.allToAllV(v, counts, recv, counts));
      }
    }
  }

  private static void report(Collective c, String op, long bytes, int iters, Runnable call) {
    call.run(); // warm-up: JIT, buffers, TCP windows
    c.barrier();
    long t0 = System.nanoTime();
    for (int i = 0; i < iters; i++) {
      call.run();
    }
    c.barrier();
    double seconds = (System.nanoTime() - t0) / 1e9 / iters;
    if (c.rank() == 0) {
      System.out.println("RESULT " + op + " " + bytes + " " + iters + " " + seconds);
    }
  }

  private static long[] evenCounts(long len, int n) {
    long[] counts = new long[n];
    Arrays.fill(counts, len / n);
    counts[n - 1] += len % n;
    return counts;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("moe-collective-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static File log(Path dir, int rank) {
    return dir.resolve("rank" + rank + ".log").toFile();
  }

  private static String tail(String s) {
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }
}
