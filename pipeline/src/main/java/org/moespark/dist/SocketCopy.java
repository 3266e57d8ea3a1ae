package org.moespark.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bench's limit: one loopback TCP stream between two threads, plain java.nio, direct buffers,
 * no framing and no copies beyond the kernel's. A collective cannot move bytes faster per link.
 */
final class SocketCopy {
  private SocketCopy() {}

  /** GB/s (1e9 bytes) of sending {@code bytes} {@code times} times, after one untimed send. */
  static double gbPerSecond(int bytes, int times) {
    try (ServerSocketChannel server = ServerSocketChannel.open()
            .bind(new InetSocketAddress("127.0.0.1", 0));
        SocketChannel sender = SocketChannel.open(server.getLocalAddress());
        SocketChannel receiver = server.accept()) {
      ByteBuffer src = ByteBuffer.allocateDirect(bytes);
      AtomicLong warm = new AtomicLong();
      AtomicLong done = new AtomicLong();
      Thread reader = new Thread(() -> read(receiver, bytes, times, warm, done), "socket-copy");
      reader.setDaemon(true);
      reader.start();
      for (int i = 0; i <= times; i++) {
        src.clear();
        while (src.hasRemaining()) {
          sender.write(src);
        }
      }
      reader.join();
      if (done.get() == 0) {
        throw new IllegalStateException("the loopback reader stopped early");
      }
      return (double) bytes * times / (done.get() - warm.get());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void read(SocketChannel ch, int bytes, int times, AtomicLong warm,
      AtomicLong done) {
    ByteBuffer dst = ByteBuffer.allocateDirect(bytes);
    try {
      for (int i = 0; i <= times; i++) {
        dst.clear();
        while (dst.hasRemaining()) {
          if (ch.read(dst) < 0) {
            return;
          }
        }
        if (i == 0) {
          warm.set(System.nanoTime());
        }
      }
      done.set(System.nanoTime());
    } catch (IOException e) {
      // done stays 0: the caller reports it
    }
  }
}
