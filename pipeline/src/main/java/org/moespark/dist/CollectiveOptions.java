package org.moespark.dist;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Limits of every blocking wait of a collective. Spark kills the siblings of a failed barrier
 * task without interrupting them and its own barrier timeout defaults to a year (DESIGN §4), so a
 * collective must give up by itself: after {@code timeout} per wait, or as soon as
 * {@code cancelled} (in a task: {@code TaskContext::isInterrupted}) turns true, which is polled
 * while waiting.
 */
public record CollectiveOptions(Duration timeout, BooleanSupplier cancelled) {
  public CollectiveOptions {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(cancelled, "cancelled");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
    }
  }

  /** Never cancelled: for tests and tools outside a Spark task. */
  public static CollectiveOptions of(Duration timeout) {
    return new CollectiveOptions(timeout, () -> false);
  }

  /** The timeout as people read it in error messages, e.g. "0.5s". */
  String timeoutText() {
    return timeout.toMillis() / 1000.0 + "s";
  }
}
