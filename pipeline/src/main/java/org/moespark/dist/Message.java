package org.moespark.dist;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** One received message: its header and its payload as it arrived, in chunks. */
final class Message {
  final Header header;
  private final List<ByteBuf> pieces = new ArrayList<>(1);
  private long bytes;

  Message(Header header) {
    this.header = header;
  }

  /** Takes ownership of {@code piece}; false when it overruns the size the header announced. */
  boolean add(ByteBuf piece) {
    pieces.add(piece);
    bytes += piece.readableBytes();
    return bytes <= header.byteCount();
  }

  boolean complete() {
    return bytes == header.byteCount();
  }

  /** Copies the payload to {@code dst} from its position; {@code dst} must have room for it. */
  void copyTo(ByteBuffer dst) {
    int at = dst.position();
    for (ByteBuf p : pieces) {
      int n = p.readableBytes();
      ByteBuffer d = dst.duplicate();
      d.position(at).limit(at + n);
      p.getBytes(p.readerIndex(), d);
      at += n;
    }
  }

  void release() {
    for (ByteBuf p : pieces) {
      p.release();
    }
    pieces.clear();
  }
}
