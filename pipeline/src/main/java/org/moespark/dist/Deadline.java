package org.moespark.dist;

import java.util.function.Supplier;

/**
 * One blocking wait's limit: waits proceed in slices of at most {@link #POLL_NANOS} so
 * cancellation is noticed promptly even when no message comes.
 */
final class Deadline {
  static final long POLL_NANOS = 50_000_000L;

  private final CollectiveOptions options;
  private final long end;

  private Deadline(CollectiveOptions options) {
    this.options = options;
    this.end = System.nanoTime() + options.timeout().toNanos();
  }

  static Deadline start(CollectiveOptions options) {
    return new Deadline(options);
  }

  /**
   * Nanoseconds to wait before checking again; throws when cancelled ("cancelled while "
   * + {@code waiting}) or past the deadline ({@code timedOut}).
   */
  long slice(Supplier<String> waiting, Supplier<String> timedOut) {
    if (options.cancelled().getAsBoolean()) {
      throw new CollectiveException("cancelled while " + waiting.get());
    }
    long left = end - System.nanoTime();
    if (left <= 0) {
      throw new CollectiveException(timedOut.get());
    }
    return Math.min(left, POLL_NANOS);
  }
}
