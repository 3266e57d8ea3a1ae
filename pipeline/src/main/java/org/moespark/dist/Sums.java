package org.moespark.dist;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * Element-wise sums of equal-length blocks in block order: ((b0 + b1) + b2) + ..., so the bits
 * depend only on the group size, never on which message arrived first. Tiles keep the working set
 * in cache while bulk NIO gets let the JIT vectorise the adds.
 */
final class Sums {
  private static final int TILE = 4096;

  private Sums() {}

  static void inOrder(DType dt, ByteBuffer[] blocks, ByteBuffer dst) {
    int len = dst.remaining() / dt.bytes;
    switch (dt) {
      case FLOAT -> floats(blocks, dst.asFloatBuffer(), len);
      case DOUBLE -> doubles(blocks, dst.asDoubleBuffer(), len);
      case LONG -> longs(blocks, dst.asLongBuffer(), len);
    }
  }

  private static void floats(ByteBuffer[] blocks, FloatBuffer dst, int len) {
    FloatBuffer[] in = new FloatBuffer[blocks.length];
    for (int p = 0; p < in.length; p++) {
      in[p] = blocks[p].asFloatBuffer();
    }
    float[] acc = new float[Math.min(TILE, len)];
    float[] next = new float[acc.length];
    for (int at = 0; at < len; at += TILE) {
      int m = Math.min(TILE, len - at);
      in[0].get(at, acc, 0, m);
      for (int p = 1; p < in.length; p++) {
        in[p].get(at, next, 0, m);
        for (int i = 0; i < m; i++) {
          acc[i] += next[i];
        }
      }
      dst.put(at, acc, 0, m);
    }
  }

  private static void doubles(ByteBuffer[] blocks, DoubleBuffer dst, int len) {
    DoubleBuffer[] in = new DoubleBuffer[blocks.length];
    for (int p = 0; p < in.length; p++) {
      in[p] = blocks[p].asDoubleBuffer();
    }
    double[] acc = new double[Math.min(TILE, len)];
    double[] next = new double[acc.length];
    for (int at = 0; at < len; at += TILE) {
      int m = Math.min(TILE, len - at);
      in[0].get(at, acc, 0, m);
      for (int p = 1; p < in.length; p++) {
        in[p].get(at, next, 0, m);
        for (int i = 0; i < m; i++) {
          acc[i] += next[i];
        }
      }
      dst.put(at, acc, 0, m);
    }
  }

  private static void longs(ByteBuffer[] blocks, LongBuffer dst, int len) {
    LongBuffer[] in = new LongBuffer[blocks.length];
    for (int p = 0; p < in.length; p++) {
      in[p] = blocks[p].asLongBuffer();
    }
    long[] acc = new long[Math.min(TILE, len)];
    long[] next = new long[acc.length];
    for (int at = 0; at < len; at += TILE) {
      int m = Math.min(TILE, len - at);
      in[0].get(at, acc, 0, m);
      for (int p = 1; p < in.length; p++) {
        in[p].get(at, next, 0, m);
        for (int i = 0; i < m; i++) {
          acc[i] += next[i];
        }
      }
      dst.put(at, acc, 0, m);
    }
  }
}
