package org.moespark.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One rank in its own JVM, for {@link CollectiveProcessesTest}: rendezvous through files in a
 * directory (each rank writes its host:port, reads the others'), then sums a vector once
 * ({@code sum}: prints {@code CHECKSUM x}) or until it fails ({@code loop}: prints {@code READY}
 * after the first sum). A failure prints {@code FAILED message} and exits with 3.
 */
public final class CollectiveChild {
  static final int LENGTH = 300_000;

  private CollectiveChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int rank = Integer.parseInt(args[1]);
    int size = Integer.parseInt(args[2]);
    String mode = args[3];
    CollectiveOptions options = CollectiveOptions.of(Duration.ofMillis(Long.parseLong(args[4])));
    NettyTransport transport = NettyTransport.bind("127.0.0.1");
    try (Collective c = transport.connect(rank,
        rendezvous(dir, rank, size, "127.0.0.1:" + transport.port(), options.timeout()),
        0, options)) {
      double[] v = vector(rank);
      c.allReduceSum(v);
      if (mode.equals("sum")) {
        System.out.println("CHECKSUM " + checksum(v));
      } else {
        System.out.println("READY");
        System.out.flush();
        while (true) {
          c.allReduceSum(v);
        }
      }
    } catch (CollectiveException e) {
      System.out.println("FAILED " + e.getMessage());
      System.out.flush();
      System.exit(3);
    }
  }

  static double[] vector(int rank) {
    double[] v = new double[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      v[i] = (rank + 1) * (i % 97);
    }
    return v;
  }

  static double checksum(double[] v) {
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      s += v[i] * (i % 7);
    }
    return s;
  }

  /** Publishes this rank's address and waits for everyone's, as the barrier allGather will. */
  static List<String> rendezvous(Path dir, int rank, int size, String address, Duration timeout)
      throws IOException, InterruptedException {
    Path tmp = dir.resolve(rank + ".tmp");
    Files.writeString(tmp, address, StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(rank + ".addr"), StandardCopyOption.ATOMIC_MOVE);
    long end = System.nanoTime() + timeout.toNanos();
    List<String> all = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      Path f = dir.resolve(r + ".addr");
      while (!Files.exists(f)) {
        if (System.nanoTime() > end) {
          throw new CollectiveException("rank " + r + " published no address within " + timeout);
        }
        Thread.sleep(20);
      }
      all.add(Files.readString(f, StandardCharsets.UTF_8));
    }
    return all;
  }
}
