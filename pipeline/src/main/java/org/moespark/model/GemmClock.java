package org.moespark.model;

/**
 * Wall time and FLOPs of the CBLAS GEMMs ({@link HostBlas}) while switched on: {@code bench model}
 * splits each step into GEMM time and the rest, so its ceilings ("all but the GEMMs free") are
 * measured in the same run as the speeds. Off by default, which costs one volatile read per GEMM.
 * One thread runs the model and reads the clock; nothing else calls GEMMs meanwhile.
 */
final class GemmClock {
  private static volatile boolean on;
  private static long nanos;
  private static double flops;

  private GemmClock() {}

  /** Starts counting from zero. */
  static void start() {
    nanos = 0;
    flops = 0;
    on = true;
  }

  static void stop() {
    on = false;
  }

  static long nanos() {
    return nanos;
  }

  static double flops() {
    return flops;
  }

  /** The time to pass to {@link #add} after the GEMM; 0 when off. */
  static long tick() {
    return on ? System.nanoTime() : 0;
  }

  /** Counts a GEMM of {@code m·n·k} multiply-adds begun at {@code t0} (a {@link #tick}). */
  static void add(long t0, double mnk) {
    if (on) {
      nanos += System.nanoTime() - t0;
      flops += 2 * mnk;
    }
  }
}
