package org.moespark.dist;

import io.netty.buffer.ByteBuf;

/**
 * What every message says about itself, so a receiver recognises a stale (attempt, seq), a
 * foreign group, or a peer in another call or with another count instead of misreading it.
 * {@code seq} numbers the exchanges of one group; {@code count} is the whole message in elements,
 * repeated on each chunk.
 */
record Header(int attempt, int group, int seq, int src, Call call, DType dtype, long count) {
  static final int BYTES = 4 * 4 + 2 + 8;

  long byteCount() {
    return count * dtype.bytes;
  }

  void write(ByteBuf out) {
    out.writeInt(attempt).writeInt(group).writeInt(seq).writeInt(src);
    out.writeByte(call.ordinal()).writeByte(dtype.ordinal()).writeLong(count);
  }

  static Header read(ByteBuf in) {
    int attempt = in.readInt();
    int group = in.readInt();
    int seq = in.readInt();
    int src = in.readInt();
    Call call = Call.ofCode(in.readByte());
    DType dtype = DType.ofCode(in.readByte());
    return new Header(attempt, group, seq, src, call, dtype, in.readLong());
  }
}
