package org.moespark.dist;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * Host memory of arrays as byte buffers: the NIO view of an ND4J buffer is zero-copy on the CPU
 * backend (DESIGN §6: also faster than toFloatVector/createFromArray, and unlike
 * {@code Pointer.memcpy} on offset pointers it honours a view's offset).
 */
final class Nio {
  private Nio() {}

  /** The bytes of a contiguous c-order array, which may be a view at an offset into a larger buffer. */
  static ByteBuffer bytes(INDArray a) {
    long width = DType.of(a.dataType()).bytes;
    if (a.isEmpty() || a.length() == 0) {
      return ByteBuffer.allocate(0);
    }
    // ND4J calls 1-d views 'f'-ordered; for vectors only contiguity matters.
    boolean flat = a.isVectorOrScalar()
        ? Shape.isContiguousInBuffer(a)
        : a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a);
    if (!flat) {
      throw new IllegalArgumentException(
          "collectives need contiguous c-order arrays, got " + a.shapeInfoToString());
    }
    return slice(a.data().asNio(), a.offset() * width, a.length() * width);
  }

  /** {@code bytes} bytes of {@code b} from its start + {@code from}, in native order. */
  static ByteBuffer slice(ByteBuffer b, long from, long bytes) {
    if (from < 0 || bytes < 0 || from + bytes > b.capacity()) {
      throw new IllegalArgumentException("bytes [" + from + ", " + (from + bytes)
          + ") outside a buffer of " + b.capacity() + " (arrays above 2 GiB are not supported)");
    }
    return b.duplicate().clear().position((int) from).limit((int) (from + bytes)).slice()
        .order(ByteOrder.nativeOrder());
  }

  /** {@code n} consecutive blocks of {@code b} of {@code counts[p]} elements each. */
  static ByteBuffer[] blocks(ByteBuffer b, long[] counts, DType dt, String what) {
    ByteBuffer[] out = new ByteBuffer[counts.length];
    long at = 0;
    for (int p = 0; p < counts.length; p++) {
      if (counts[p] < 0) {
        throw new IllegalArgumentException(what + " count for rank " + p + " is " + counts[p]);
      }
      long bytes = counts[p] * dt.bytes;
      if (at + bytes > b.remaining()) {
        throw new IllegalArgumentException(what + " counts sum past the array's "
            + b.remaining() / dt.bytes + " elements");
      }
      out[p] = slice(b, at, bytes);
      at += bytes;
    }
    return out;
  }

  static ByteBuffer allocate(long bytes) {
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(bytes + " bytes: buffers above 2 GiB are not supported");
    }
    return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
  }
}
