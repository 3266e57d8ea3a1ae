package org.moespark.dist;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The connections of one rank to its world over Netty: it sends on the channel it dialled to each
 * peer and receives on the channel each peer dialled to it, so neither side has to break ties.
 */
final class Links implements Transport {
  private final NettyTransport owner;
  private final int me;
  private final List<String> addresses;
  private final int attempt;
  private final CollectiveOptions options;
  private final Inbox inbox;
  private final Channel[] out;
  private final Channel[] in;
  private final CountDownLatch joined;
  private final List<ChannelFuture> aborts = new ArrayList<>();
  private volatile String lastRefusal;
  private volatile boolean closing;

  Links(NettyTransport owner, int me, List<String> addresses, int attempt,
      CollectiveOptions options) {
    this.owner = owner;
    this.me = me;
    this.addresses = List.copyOf(addresses);
    this.attempt = attempt;
    this.options = options;
    this.inbox = new Inbox(me, addresses.size(), options);
    this.out = new Channel[addresses.size()];
    this.in = new Channel[addresses.size()];
    this.joined = new CountDownLatch(addresses.size() - 1);
  }

  int me() {
    return me;
  }

  int size() {
    return addresses.size();
  }

  String address(int rank) {
    return addresses.get(rank);
  }

  @Override
  public int attempt() {
    return attempt;
  }

  CollectiveOptions options() {
    return options;
  }

  @Override
  public Inbox inbox() {
    return inbox;
  }

  /**
   * A peer introduced itself on an accepted channel: take it in, or refuse it (a task of another
   * stage attempt, a wrong world) and keep waiting for the right one.
   */
  synchronized void hello(Accepted handler, Channel ch, int theirAttempt, int rank, int size) {
    if (!ch.isActive()) {
      return; // dialled in before this rank connected, and gone since
    }
    String refusal = null;
    if (theirAttempt != attempt) {
      refusal = "rank " + rank + " of attempt " + theirAttempt + " cannot join attempt " + attempt
          + " (rank " + me + " at " + address(me) + "): a task of another stage attempt?";
    } else if (size != size()) {
      refusal = "rank " + rank + " has a world of " + size + " ranks, rank " + me + " of " + size();
    } else if (rank < 0 || rank >= size() || rank == me) {
      refusal = "rank " + rank + " cannot join a world of " + size() + " as a peer of rank " + me;
    } else if (in[rank] != null) {
      refusal = "rank " + rank + " connected twice to rank " + me;
    }
    if (refusal != null) {
      lastRefusal = refusal;
      ch.writeAndFlush(Frames.text(ch.alloc(), Frames.REFUSE, refusal))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    in[rank] = ch;
    handler.joined(this, rank);
    ch.writeAndFlush(Frames.signal(ch.alloc(), Frames.ACK));
    joined.countDown();
  }

  /** Waits until every peer has dialled in. */
  void awaitPeers() {
    Deadline deadline = Deadline.start(options);
    try {
      while (!joined.await(deadline.slice(
          () -> "rank " + me + " waited for its peers to connect",
          () -> missingPeers() + " did not connect to rank " + me + " within "
              + options.timeoutText()
              + (lastRefusal == null ? "" : "; refused a connection: " + lastRefusal)),
          TimeUnit.NANOSECONDS)) {
        // the slice expired: check cancellation and the deadline again
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CollectiveException("interrupted while rank " + me + " waited for its peers");
    }
  }

  void dialled(int peer, Channel ch) {
    out[peer] = ch;
  }

  /** Either channel of {@code peer} closed: waits on it fail at once from now on. */
  void peerClosed(int peer) {
    if (!closing) {
      inbox.fail(peer, "peer rank " + peer + " (" + address(peer) + ") closed the connection");
    }
  }

  @Override
  public Sending send(int peer, Header header, ByteBuffer payload) {
    Channel ch = out[peer];
    // Zero-copy: frames point into the caller's array until the write completes.
    ByteBuf body = Unpooled.wrappedBuffer(payload.duplicate());
    int total = body.readableBytes();
    ChannelFuture last;
    int at = 0;
    do {
      int n = Math.min(Frames.CHUNK_BYTES, total - at);
      ByteBuf frame = Unpooled.wrappedBuffer(Frames.dataHead(ch.alloc(), header),
          body.retainedSlice(body.readerIndex() + at, n));
      last = ch.write(frame);
      at += n;
    } while (at < total);
    body.release();
    ch.flush();
    return new Pending(peer, total, last);
  }

  @Override
  public void abort(String reason) {
    inbox.abort(reason);
    synchronized (this) {
      for (Channel ch : out) {
        if (ch != null) {
          aborts.add(ch.writeAndFlush(Frames.text(ch.alloc(), Frames.ABORT, reason)));
        }
      }
    }
  }

  @Override
  public void close() {
    closing = true;
    inbox.abort("rank " + me + " closed its collective");
    List<ChannelFuture> sentAborts;
    List<Channel> channels = new ArrayList<>();
    synchronized (this) {
      sentAborts = List.copyOf(aborts);
      for (Channel[] side : List.of(out, in)) {
        for (Channel ch : side) {
          if (ch != null) {
            channels.add(ch);
          }
        }
      }
    }
    // Aborts go out before the close, so peers learn why and not only that this rank left.
    owner.awaitBriefly(sentAborts);
    List<ChannelFuture> closed = new ArrayList<>();
    for (Channel ch : channels) {
      closed.add(ch.close());
    }
    owner.shutdown(closed);
  }

  private String missingPeers() {
    List<Integer> missing = new ArrayList<>();
    synchronized (this) {
      for (int p = 0; p < in.length; p++) {
        if (p != me && in[p] == null) {
          missing.add(p);
        }
      }
    }
    return (missing.size() == 1 ? "rank " : "ranks ") + missing;
  }

  private final class Pending implements Sending {
    private final int peer;
    private final int bytes;
    private final ChannelFuture last;

    Pending(int peer, int bytes, ChannelFuture last) {
      this.peer = peer;
      this.bytes = bytes;
      this.last = last;
    }

    @Override
    public void await(CallSite site) {
      Deadline deadline = Deadline.start(options);
      while (!last.isDone()) {
        long nanos = deadline.slice(() -> "sending to rank " + peer + " (" + site + ")",
            () -> "sending " + bytes + " bytes to rank " + peer + " did not complete within "
                + options.timeoutText() + " (" + site + ")");
        last.awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(nanos) + 1);
      }
      if (!last.isSuccess()) {
        String why = inbox.failure(peer);
        throw new CollectiveException("sending to rank " + peer + " (" + address(peer)
            + ") failed: " + (why != null ? why : String.valueOf(last.cause())) + " (" + site
            + ")", last.cause());
      }
    }
  }
}
