package org.moespark.dist;

import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Messages arrived at one rank, by source rank and (group, seq), until the collective asks for
 * them. A peer may run ahead into its next call, so messages are matched by key, not by arrival
 * order. A failed source fails every wait on it at once; an abort fails every wait.
 */
final class Inbox {
  private final int me;
  private final CollectiveOptions options;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<Long, Message>[] arrived;
  /** Per source and group, the last seq taken: anything at or below it is stale. */
  private final Map<Integer, Integer>[] taken;
  private final String[] failed;
  private String aborted;

  @SuppressWarnings("unchecked")
  Inbox(int me, int size, CollectiveOptions options) {
    this.me = me;
    this.options = options;
    this.arrived = new Map[size];
    this.taken = new Map[size];
    this.failed = new String[size];
    for (int i = 0; i < size; i++) {
      arrived[i] = new HashMap<>();
      taken[i] = new HashMap<>();
    }
  }

  /** Files a chunk of a message from {@code h.src()}; takes ownership of {@code piece}. */
  void deliver(Header h, ByteBuf piece) {
    lock.lock();
    try {
      int src = h.src();
      if (failed[src] != null || aborted != null) {
        piece.release();
        return;
      }
      if (h.seq() <= taken[src].getOrDefault(h.group(), -1)) {
        piece.release();
        fail(src, "stale message from rank " + src + ": " + h.call().text + " #" + h.seq()
            + " of group " + h.group() + " arrived after rank " + me + " had received it");
        return;
      }
      Message m = arrived[src].computeIfAbsent(key(h.group(), h.seq()), k -> new Message(h));
      if (!m.header.equals(h) || !m.add(piece)) {
        fail(src, "rank " + src + " sent inconsistent chunks for " + h.call().text + " #"
            + h.seq() + " of group " + h.group() + ": " + m.header + " then " + h);
        return;
      }
      if (m.complete()) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Every later wait on {@code src} for a message not yet complete fails with {@code reason}. */
  void fail(int src, String reason) {
    lock.lock();
    try {
      if (failed[src] == null) {
        failed[src] = reason;
      }
      // Complete messages stay: a peer that sent its last message and closed is not an error
      // until someone waits for more from it.
      arrived[src].values().removeIf(Inbox::dropIfIncomplete);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Every later wait fails with {@code reason}: the collective is over on this rank. */
  void abort(String reason) {
    lock.lock();
    try {
      if (aborted == null) {
        aborted = reason;
      }
      for (Map<Long, Message> m : arrived) {
        release(m);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for the whole message (group, seq) from {@code src}; the caller releases it. Fails at
   * once when the source failed or the inbox was aborted, else at the deadline or cancellation.
   */
  Message take(int src, int group, int seq, CallSite site) {
    Deadline deadline = Deadline.start(options);
    long key = key(group, seq);
    lock.lock();
    try {
      while (true) {
        if (aborted != null) {
          throw new CollectiveException(aborted + " (seen in " + site + ")");
        }
        Message m = arrived[src].get(key);
        if (m != null && m.complete()) {
          arrived[src].remove(key);
          taken[src].put(group, seq);
          return m;
        }
        if (failed[src] != null) {
          throw new CollectiveException(failed[src] + " (" + site + ")");
        }
        long nanos = deadline.slice(
            () -> "waiting for rank " + src + " (" + site + ")",
            () -> "no message from rank " + src + " within " + options.timeoutText()
                + " (" + site + ")");
        changed.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CollectiveException("interrupted while waiting for rank " + src + " (" + site + ")");
    } finally {
      lock.unlock();
    }
  }

  /** Whether waits on {@code src} fail already (why), or null. */
  String failure(int src) {
    lock.lock();
    try {
      return aborted != null ? aborted : failed[src];
    } finally {
      lock.unlock();
    }
  }

  private static long key(int group, int seq) {
    return ((long) group << 32) | (seq & 0xffffffffL);
  }

  private static boolean dropIfIncomplete(Message m) {
    if (m.complete()) {
      return false;
    }
    m.release();
    return true;
  }

  private static void release(Map<Long, Message> messages) {
    for (Message m : messages.values()) {
      m.release();
    }
    messages.clear();
  }
}
