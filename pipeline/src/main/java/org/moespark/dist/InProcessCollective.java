package org.moespark.dist;

import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Ranks as threads of one JVM, exchanging copies through in-memory mailboxes (tests). */
public final class InProcessCollective {
  private InProcessCollective() {}

  /** One collective per rank, index = rank; each is used by its own thread. */
  public static List<Collective> create(int size, CollectiveOptions options) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be >= 1, got " + size);
    }
    Inbox[] inboxes = new Inbox[size];
    for (int r = 0; r < size; r++) {
      inboxes[r] = new Inbox(r, size, options);
    }
    List<Collective> ranks = new ArrayList<>(size);
    for (int r = 0; r < size; r++) {
      ranks.add(GroupCollective.root(new Mailboxes(r, inboxes), r, size));
    }
    return List.copyOf(ranks);
  }

  private record Mailboxes(int me, Inbox[] inboxes) implements Transport {
    @Override
    public int attempt() {
      return 0;
    }

    @Override
    public Inbox inbox() {
      return inboxes[me];
    }

    @Override
    public Sending send(int peer, Header header, ByteBuffer payload) {
      // A copy, because the sender may change its array as soon as the call returns.
      inboxes[peer].deliver(header, Unpooled.copiedBuffer(payload.duplicate()));
      return Sending.DONE;
    }

    @Override
    public void abort(String reason) {
      for (int p = 0; p < inboxes.length; p++) {
        inboxes[p].abort(reason);
      }
    }

    @Override
    public void close() {
      inboxes[me].abort("rank " + me + " closed its collective");
      for (int p = 0; p < inboxes.length; p++) {
        if (p != me) {
          inboxes[p].fail(me, "peer rank " + me + " closed its collective");
        }
      }
    }
  }
}
