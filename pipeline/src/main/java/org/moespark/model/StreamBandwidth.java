package org.moespark.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Main-memory bandwidth by the STREAM triad {@code a = b + s·c} (McCalpin 1995) over float arrays
 * far larger than the caches, split over threads: the rate an element-wise optimizer pass can at
 * best stream at, for {@code bench model}'s memory floor of clip + AdamW. Bytes count as STREAM
 * counts them, 12 per element.
 */
final class StreamBandwidth {
  private final float[] a;
  private final float[] b;
  private final float[] c;
  private final int threads;

  StreamBandwidth(int elements, int threads) {
    this.a = new float[elements];
    this.b = new float[elements];
    this.c = new float[elements];
    java.util.Arrays.fill(b, 1f);
    java.util.Arrays.fill(c, 2f);
    this.threads = threads;
  }

  /** Best of {@code passes} triads (after one warmup), in GB/s. */
  double gbPerSec(int passes) {
    double best = Double.MAX_VALUE;
    for (int p = 0; p <= passes; p++) {
      long t0 = System.nanoTime();
      triad();
      if (p > 0) {
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
    }
    return 12.0 * a.length / best / 1e9;
  }

  private void triad() {
    List<Thread> workers = new ArrayList<>();
    int chunk = (a.length + threads - 1) / threads;
    for (int t = 0; t < threads; t++) {
      int from = t * chunk;
      int to = Math.min(a.length, from + chunk);
      Thread w = new Thread(() -> {
        for (int i = from; i < to; i++) {
          a[i] = b[i] + 3f * c[i];
        }
      });
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      try {
        w.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while measuring memory bandwidth", e);
      }
    }
  }
}
