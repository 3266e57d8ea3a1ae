package org.moespark.model;

import java.util.stream.IntStream;

/**
 * Host loops over independent rows, split into contiguous row ranges that run at once on the
 * common fork-join pool and the caller: the row loops and the CBLAS GEMMs ({@link HostBlas}), so
 * that all cores work while one of them runs. Each row's arithmetic does not depend on the split,
 * so results are the same for any core count.
 */
public final class RowRanges {
  /** Elements per range at least: a range handed to the pool costs some 10 µs. */
  static final int MIN_ELEMENTS = 1 << 14;
  /**
   * Ranges run at once at most: the cores this JVM may use (the common pool's workers and the
   * caller), or fewer where {@code OMP_NUM_THREADS} says so, the variable that bounded the
   * OpenBLAS and ND4J threads before the GEMMs split here.
   */
  static final int CORES = cores(System.getenv("OMP_NUM_THREADS"));

  /** A loop body over rows [from, to); it makes its own scratch arrays and {@link RowAccess}es. */
  @FunctionalInterface
  public interface Body {
    void run(int from, int to);
  }

  private RowRanges() {}

  /** Runs {@code body} over rows [0, rows) of {@code width} elements each. */
  public static void forEach(int rows, int width, Body body) {
    inParts((int) Math.min(Math.min(CORES, rows), (long) rows * width / MIN_ELEMENTS), rows, body);
  }

  /** Runs {@code body} over rows [0, rows) in {@code parts} contiguous ranges at once (one range for parts ≤ 1). */
  static void inParts(int parts, int rows, Body body) {
    if (parts <= 1 || rows <= 1) {
      body.run(0, rows);
      return;
    }
    int ranges = Math.min(parts, rows);
    IntStream.range(0, ranges).parallel()
        .forEach(i -> body.run((int) ((long) rows * i / ranges), (int) ((long) rows * (i + 1) / ranges)));
  }

  static int cores(String ompNumThreads) {
    int cores = java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1;
    return ompNumThreads != null && ompNumThreads.matches("[1-9][0-9]{0,4}")
        ? Math.min(cores, Integer.parseInt(ompNumThreads)) : cores;
  }
}
