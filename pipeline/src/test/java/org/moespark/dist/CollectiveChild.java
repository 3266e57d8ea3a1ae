package org.moespark.dist;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One rank in its own JVM, for {@link CollectiveProcessesTest}: rendezvous through files in a
 * directory, then sums a vector once ({@code sum}: prints {@code CHECKSUM x}) or until it fails
 * ({@code loop}: prints {@code READY} after the first sum). A failure prints {@code FAILED message}
 * and exits with 3.
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
        FileRendezvous.exchange(dir, rank, size, "127.0.0.1:" + transport.port(),
            options.timeout()),
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
}
