package org.moespark.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The address table for processes on one machine without Spark (the bench, tests): each rank
 * writes {@code host:port} to {@code <rank>.addr} in a shared directory and waits for everyone's,
 * as the barrier allGather does in a task.
 */
final class FileRendezvous {
  private static final long POLL_MILLIS = 20;

  private FileRendezvous() {}

  static List<String> exchange(Path dir, int rank, int size, String address, Duration timeout) {
    try {
      Path tmp = dir.resolve(rank + ".tmp");
      Files.writeString(tmp, address, StandardCharsets.UTF_8);
      // Atomic, so a reader never sees half an address.
      Files.move(tmp, dir.resolve(rank + ".addr"), StandardCopyOption.ATOMIC_MOVE);
      long end = System.nanoTime() + timeout.toNanos();
      List<String> all = new ArrayList<>();
      for (int r = 0; r < size; r++) {
        Path f = dir.resolve(r + ".addr");
        while (!Files.exists(f)) {
          if (System.nanoTime() > end) {
            throw new CollectiveException("rank " + r + " published no address in " + dir
                + " within " + timeout.toMillis() / 1000.0 + "s");
          }
          Thread.sleep(POLL_MILLIS);
        }
        all.add(Files.readString(f, StandardCharsets.UTF_8));
      }
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CollectiveException("interrupted during the rendezvous in " + dir);
    }
  }
}
