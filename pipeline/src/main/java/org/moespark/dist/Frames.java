package org.moespark.dist;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.nio.charset.StandardCharsets;

/**
 * The wire format of the Netty transport: length-prefixed frames, a kind byte first. A message is
 * sent as frames of at most {@link #CHUNK_BYTES} payload each, so no frame needs a buffer the size
 * of a whole gradient and the decoder's memory stays bounded.
 */
final class Frames {
  /** attempt, rank, world size: the dialling side introduces itself. */
  static final byte HELLO = 1;
  /** The accepting side took the peer in; data may follow. */
  static final byte ACK = 2;
  /** The accepting side did not (a text says why); it closes the connection. */
  static final byte REFUSE = 3;
  /** A {@link Header} and a chunk of its payload. */
  static final byte DATA = 4;
  /** The sender failed (a text says why): every wait on the receiver must fail too. */
  static final byte ABORT = 5;

  static final int CHUNK_BYTES = 1 << 20;
  private static final int MAX_TEXT_CHARS = 4096;
  /** The decoder counts the 4-byte length field too. */
  private static final int MAX_FRAME_BYTES = 4 + 1 + Header.BYTES + CHUNK_BYTES;

  private Frames() {}

  static void install(ChannelPipeline p) {
    LengthFieldBasedFrameDecoder frames =
        new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, 4, 0, 4);
    // Frames become views of the reads instead of copies into one growing buffer: the payload is
    // copied once, into the caller's array.
    frames.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
    p.addLast(frames);
    p.addLast(new LengthFieldPrepender(4));
  }

  static ByteBuf hello(ByteBufAllocator alloc, int attempt, int rank, int size) {
    return alloc.buffer(13).writeByte(HELLO).writeInt(attempt).writeInt(rank).writeInt(size);
  }

  static ByteBuf signal(ByteBufAllocator alloc, byte kind) {
    return alloc.buffer(1).writeByte(kind);
  }

  static ByteBuf text(ByteBufAllocator alloc, byte kind, String text) {
    String t = text.length() > MAX_TEXT_CHARS ? text.substring(0, MAX_TEXT_CHARS) : text;
    byte[] bytes = t.getBytes(StandardCharsets.UTF_8);
    return alloc.buffer(1 + bytes.length).writeByte(kind).writeBytes(bytes);
  }

  static String readText(ByteBuf frame) {
    return frame.readCharSequence(frame.readableBytes(), StandardCharsets.UTF_8).toString();
  }

  static ByteBuf dataHead(ByteBufAllocator alloc, Header h) {
    ByteBuf head = alloc.directBuffer(1 + Header.BYTES).writeByte(DATA);
    h.write(head);
    return head;
  }
}
