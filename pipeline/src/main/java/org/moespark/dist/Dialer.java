package org.moespark.dist;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Dials one peer and introduces this rank. Peers bind at slightly different times, so a refused
 * TCP connection is retried until the deadline; a refused handshake (another attempt, another
 * world) is final.
 */
final class Dialer {
  private static final long RETRY_MILLIS = 50;

  private final Links links;
  private final int peer;
  private final EventLoopGroup loop;
  private final Bootstrap bootstrap;
  private final InetSocketAddress address;
  private final long endNanos;
  private final Promise<Channel> ready;
  private volatile Throwable lastError;

  Dialer(Links links, int peer, EventLoopGroup loop, Bootstrap template) {
    this.links = links;
    this.peer = peer;
    this.loop = loop;
    this.address = NettyTransport.parse(links.address(peer));
    this.endNanos = System.nanoTime() + links.options().timeout().toNanos();
    this.ready = loop.next().newPromise();
    this.bootstrap = template.clone().handler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        Frames.install(ch.pipeline());
        ch.pipeline().addLast(new Handshake());
      }
    });
  }

  Dialer start() {
    attempt();
    return this;
  }

  /** Waits for the handshake; returns the channel to send on. */
  Channel await() {
    Deadline deadline = Deadline.start(links.options());
    while (!ready.isDone()) {
      long nanos = deadline.slice(() -> "connecting to " + describe(),
          () -> "could not connect to " + describe() + " within "
              + links.options().timeoutText() + (lastError == null ? "" : ": " + lastError));
      ready.awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(nanos) + 1);
    }
    if (!ready.isSuccess()) {
      Throwable t = ready.cause();
      throw t instanceof CollectiveException c ? c
          : new CollectiveException("could not connect to " + describe() + ": " + t, t);
    }
    return ready.getNow();
  }

  private void attempt() {
    bootstrap.connect(address).addListener((ChannelFuture f) -> {
      if (f.isSuccess()) {
        return;
      }
      lastError = f.cause();
      if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS) < endNanos
          && !ready.isDone() && !loop.isShuttingDown()) {
        loop.schedule(this::attempt, RETRY_MILLIS, TimeUnit.MILLISECONDS);
      }
    });
  }

  private String describe() {
    return "rank " + peer + " (" + links.address(peer) + ") from rank " + links.me();
  }

  private final class Handshake extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(Frames.hello(ctx.alloc(), links.attempt(), links.me(), links.size()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      try {
        byte kind = frame.readByte();
        if (kind == Frames.ACK) {
          links.dialled(peer, ctx.channel());
          ready.trySuccess(ctx.channel());
        } else if (kind == Frames.REFUSE) {
          ready.tryFailure(new CollectiveException(
              describe() + ": the peer refused the connection: " + Frames.readText(frame)));
          ctx.close();
        }
      } finally {
        frame.release();
      }
    }

    /**
     * Only the peer's own connection to us carries its messages, and its close fails our waits
     * after every message sent before it was read (one TCP stream). This one we only send on: a
     * peer that finished its last collective and closed both may close it first while its last
     * message is still in flight on the other, so its close here is no failure; a later send on
     * it fails by itself.
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!ready.isSuccess()) {
        ready.tryFailure(new CollectiveException(
            describe() + ": the peer closed the connection during the handshake"));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      lastError = cause;
      ctx.close();
    }
  }
}
