package org.moespark.model;

import java.util.stream.IntStream;

/**
 * Host loops over independent rows, split into contiguous row ranges that run at once on the
 * common fork-join pool and the caller. While a host loop runs, OpenBLAS and ND4J's threads wait,
 * so a serial loop leaves all cores but one idle. Each row's arithmetic does not depend on the
 * split, so results are the same for any core count.
 */
public final class RowRanges {
  /** Elements per range at least: a range handed to the pool costs some 10 µs. */
  static final int MIN_ELEMENTS = 1 << 14;
  private static final int CORES = java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1;

  /** A loop body over rows [from, to); it makes its own scratch arrays and {@link RowAccess}es. */
  @FunctionalInterface
  public interface Body {
    void run(int from, int to);
  }

  private RowRanges() {}

  /** Runs {@code body} over rows [0, rows) of {@code width} elements each. */
  public static void forEach(int rows, int width, Body body) {
    int ranges = (int) Math.min(Math.min(CORES, rows), (long) rows * width / MIN_ELEMENTS);
    if (ranges <= 1) {
      body.run(0, rows);
      return;
    }
    IntStream.range(0, ranges).parallel()
        .forEach(i -> body.run((int) ((long) rows * i / ranges), (int) ((long) rows * (i + 1) / ranges)));
  }
}
