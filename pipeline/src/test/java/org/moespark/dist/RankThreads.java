package org.moespark.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Runs one body per rank, each on its own thread, as a world of ranks would. */
final class RankThreads {
  private static final long LIMIT_SECONDS = 30;

  private RankThreads() {}

  /** Each rank's result; the first failure is rethrown. */
  static <T> List<T> all(int n, IntFunction<T> body) throws Exception {
    List<T> out = new ArrayList<>();
    for (Outcome<T> o : outcomes(n, body)) {
      if (o.error() != null) {
        throw new AssertionError("rank failed", o.error());
      }
      out.add(o.value());
    }
    return out;
  }

  /** Each rank's result or failure. */
  static <T> List<Outcome<T>> outcomes(int n, IntFunction<T> body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        int rank = r;
        futures.add(pool.submit(() -> body.apply(rank)));
      }
      List<Outcome<T>> out = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          out.add(new Outcome<>(f.get(LIMIT_SECONDS, TimeUnit.SECONDS), null));
        } catch (java.util.concurrent.ExecutionException e) {
          out.add(new Outcome<>(null, e.getCause()));
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  record Outcome<T>(T value, Throwable error) {}
}
