package org.moespark.dist;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Collectives between processes over TCP, on the Netty that Spark ships. A rank binds first
 * ({@link #bind}), publishes {@code host:port} (in a Spark task through the barrier allGather),
 * then {@link #connect}s to the table of all ranks' addresses. The handshake carries the attempt,
 * so a task of an earlier stage attempt that is still running cannot join a retried one.
 */
public final class NettyTransport implements AutoCloseable {
  /** Two threads: reads of all peers are light next to the copies the callers do. */
  private static final int LOOP_THREADS = 2;
  private static final long CLOSE_WAIT_MILLIS = 2000;
  private static final long BIND_WAIT_MILLIS = 10_000;
  /** Reads of up to a chunk: Netty's 64 KiB cap means 16 reads and wake-ups per chunk. */
  private static final AdaptiveRecvByteBufAllocator BIG_READS =
      new AdaptiveRecvByteBufAllocator(4096, 64 * 1024, Frames.CHUNK_BYTES);

  private final EventLoopGroup loop;
  private final Channel server;
  private final List<Early> early = new ArrayList<>();
  private Links links;

  private NettyTransport(String host) {
    this.loop = new NioEventLoopGroup(LOOP_THREADS, new DefaultThreadFactory("moe-collective", true));
    ChannelFuture bound = new ServerBootstrap().group(loop)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, BIG_READS)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            Frames.install(ch.pipeline());
            ch.pipeline().addLast(new Accepted(NettyTransport.this));
          }
        })
        .bind(host, 0);
    if (!bound.awaitUninterruptibly(BIND_WAIT_MILLIS) || !bound.isSuccess()) {
      loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new CollectiveException("cannot listen on " + host + ": " + bound.cause(), bound.cause());
    }
    this.server = bound.channel();
  }

  /** Listens on an ephemeral port of {@code host}; daemon threads, so a JVM can always exit. */
  public static NettyTransport bind(String host) {
    return new NettyTransport(host);
  }

  /** The port bound; publish {@code host:port}. */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /**
   * Connects rank {@code rank} to every other rank of {@code addresses} ("host:port", index =
   * rank), all of attempt {@code attempt}, and returns the collective of the whole world; its
   * close closes this transport. Waits (at most the options' timeout) until this rank has dialled
   * every peer and every peer has dialled it. On failure the transport is closed.
   */
  public Collective connect(int rank, List<String> addresses, int attempt,
      CollectiveOptions options) {
    if (addresses.isEmpty() || rank < 0 || rank >= addresses.size()) {
      throw new IllegalArgumentException(
          "rank " + rank + " is not in a world of " + addresses.size() + " addresses");
    }
    Links l = new Links(this, rank, addresses, attempt, options);
    synchronized (this) {
      if (links != null) {
        throw new IllegalStateException("this transport is connected already");
      }
      links = l;
      for (Early e : early) {
        l.hello(e.handler, e.channel, e.attempt, e.rank, e.size);
      }
      early.clear();
    }
    try {
      Bootstrap template = new Bootstrap().group(loop).channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
          .option(ChannelOption.RCVBUF_ALLOCATOR, BIG_READS);
      List<Dialer> dialers = new ArrayList<>();
      for (int p = 0; p < addresses.size(); p++) {
        if (p != rank) {
          dialers.add(new Dialer(l, p, loop, template).start());
        }
      }
      for (Dialer d : dialers) {
        d.await();
      }
      l.awaitPeers();
      return GroupCollective.root(l, rank, addresses.size());
    } catch (RuntimeException e) {
      l.close();
      throw e;
    }
  }

  /** Closes the server, every connection and the threads. */
  @Override
  public void close() {
    Links l;
    synchronized (this) {
      l = links;
    }
    if (l != null) {
      l.close();
    } else {
      shutdown(List.of());
    }
  }

  synchronized void hello(Accepted handler, Channel ch, int attempt, int rank, int size) {
    if (links == null) {
      early.add(new Early(handler, ch, attempt, rank, size));
    } else {
      links.hello(handler, ch, attempt, rank, size);
    }
  }

  /** After the channels' closes (bounded wait), stops the server and the threads. */
  void shutdown(List<ChannelFuture> closing) {
    awaitBriefly(closing);
    server.close();
    loop.shutdownGracefully(0, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(CLOSE_WAIT_MILLIS);
  }

  /** Waits for {@code futures}, all together at most the close wait. */
  void awaitBriefly(List<ChannelFuture> futures) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
    for (ChannelFuture f : futures) {
      f.awaitUninterruptibly(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
    }
  }

  static InetSocketAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected host:port, got " + hostPort);
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private record Early(Accepted handler, Channel channel, int attempt, int rank, int size) {}
}
