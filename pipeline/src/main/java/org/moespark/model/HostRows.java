package org.moespark.model;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Row-indexed host loops over the NIO view of an array's buffer (zero-copy on the CPU backend;
 * DESIGN §6: a Java loop beats ND4J's scatter ops 5-35x). Arrays must be c-order and contiguous;
 * views into a flat buffer are fine (their offset is honoured). FLOAT and DOUBLE.
 */
public final class HostRows {
  /** Elements per copy of {@link #zero} from a block of zeros. */
  private static final int ZERO_CHUNK = 1 << 14;
  private static final float[] ZEROS_F = new float[ZERO_CHUNK];
  private static final double[] ZEROS_D = new double[ZERO_CHUNK];
  private HostRows() {}

  /** {@code dst[idx[i], :] += src[i, :]} for every i; dst is [R, C], src is [idx.length, C]. */
  static void scatterAdd(INDArray dst, int[] idx, INDArray src) {
    int c = (int) dst.size(1);
    check(dst, src);
    Preconditions.checkArgument(src.size(0) == idx.length && src.size(1) == c,
        "src %s does not match %s indices of width %s", src.shapeInfoToString(), idx.length, c);
    int d0 = (int) dst.offset();
    int s0 = (int) src.offset();
    if (dst.dataType() == DataType.FLOAT) {
      FloatBuffer d = dst.data().asNioFloat();
      FloatBuffer s = src.data().asNioFloat();
      float[] acc = new float[c];
      float[] row = new float[c];
      for (int i = 0; i < idx.length; i++) {
        int at = d0 + idx[i] * c;
        d.get(at, acc);
        s.get(s0 + i * c, row);
        for (int j = 0; j < c; j++) {
          acc[j] += row[j];
        }
        d.put(at, acc);
      }
    } else {
      DoubleBuffer d = dst.data().asNioDouble();
      DoubleBuffer s = src.data().asNioDouble();
      double[] acc = new double[c];
      double[] row = new double[c];
      for (int i = 0; i < idx.length; i++) {
        int at = d0 + idx[i] * c;
        d.get(at, acc);
        s.get(s0 + i * c, row);
        for (int j = 0; j < c; j++) {
          acc[j] += row[j];
        }
        d.put(at, acc);
      }
    }
  }

  /**
   * {@code dst[i] = src[idx[i]]} for i in [0, m), rows split over the cores: the embedding lookup and
   * the dispatcher's permutation. Row copies in the arrays' type: ND4J's {@code pullRows} of the
   * same rows took 2.1% of a demo step's samples (JFR), these copies under 0.1%.
   */
  public static void gather(INDArray src, int[] idx, int m, INDArray dst) {
    check(src, dst);
    Preconditions.checkArgument(src.size(1) == dst.size(1) && m <= dst.size(0) && m <= idx.length,
        "gather of %s rows from %s into %s", m, src.shapeInfoToString(), dst.shapeInfoToString());
    RowRanges.forEach(m, (int) dst.size(1), (from, to) -> {
      RowAccess s = RowAccess.of(src);
      RowAccess d = RowAccess.of(dst);
      for (int i = from; i < to; i++) {
        s.copyTo(idx[i], d, i);
      }
    });
  }

  /** Sets a whole contiguous array to 0, ranges split over the cores. */
  public static void zero(INDArray a) {
    zero(a, 0, a.length());
  }

  /**
   * Sets elements [from, to) of a contiguous array to 0, ranges split over the cores (the
   * gradients before a step).
   */
  static void zero(INDArray a, long from, long to) {
    Preconditions.checkArgument(a.elementWiseStride() == 1 && a.ordering() == 'c' && 0 <= from && from <= to
            && to <= a.length(), "zero needs elements [%s, %s) of a contiguous array, got %s", from, to,
        a.shapeInfoToString());
    long n = to - from;
    int chunks = (int) ((n + ZERO_CHUNK - 1) / ZERO_CHUNK);
    RowRanges.forEach(chunks, ZERO_CHUNK, (c0, c1) -> {
      long begin = a.offset() + from + (long) c0 * ZERO_CHUNK;
      long end = a.offset() + from + Math.min(n, (long) c1 * ZERO_CHUNK);
      if (a.dataType() == DataType.FLOAT) {
        FloatBuffer b = a.data().asNioFloat();
        for (long i = begin; i < end; i += ZERO_CHUNK) {
          b.put((int) i, ZEROS_F, 0, (int) Math.min(ZERO_CHUNK, end - i));
        }
      } else {
        DoubleBuffer b = a.data().asNioDouble();
        for (long i = begin; i < end; i += ZERO_CHUNK) {
          b.put((int) i, ZEROS_D, 0, (int) Math.min(ZERO_CHUNK, end - i));
        }
      }
    });
  }

  /** Returns {@code a[i, col[i]]} for every row i of the [R, C] array a. */
  static double[] pick(INDArray a, int[] col) {
    check(a, a);
    int c = (int) a.size(1);
    int o = (int) a.offset();
    double[] out = new double[col.length];
    if (a.dataType() == DataType.FLOAT) {
      FloatBuffer b = a.data().asNioFloat();
      for (int i = 0; i < col.length; i++) {
        out[i] = b.get(o + i * c + col[i]);
      }
    } else {
      DoubleBuffer b = a.data().asNioDouble();
      for (int i = 0; i < col.length; i++) {
        out[i] = b.get(o + i * c + col[i]);
      }
    }
    return out;
  }

  /** {@code a[i, col[i]] += delta} for every row i. */
  static void addAt(INDArray a, int[] col, double delta) {
    check(a, a);
    int c = (int) a.size(1);
    int o = (int) a.offset();
    if (a.dataType() == DataType.FLOAT) {
      FloatBuffer b = a.data().asNioFloat();
      for (int i = 0; i < col.length; i++) {
        int at = o + i * c + col[i];
        b.put(at, (float) (b.get(at) + delta));
      }
    } else {
      DoubleBuffer b = a.data().asNioDouble();
      for (int i = 0; i < col.length; i++) {
        int at = o + i * c + col[i];
        b.put(at, b.get(at) + delta);
      }
    }
  }

  /**
   * {@code out = a + b} over [R, C] arrays of one shape, rows split over the cores: the residual
   * adds. ND4J's add of a 1024×128 float array took ~0.35 ms (op setup and waking its threads);
   * this is one pass at memory speed. IEEE addition in the arrays' type, so the same bits; float32
   * on vectors straight over the buffers where the JVM has them (row copies cost 0.9% of a bench step).
   */
  static void add(INDArray a, INDArray b, INDArray out) {
    check(a, b);
    check(a, out);
    Preconditions.checkArgument(a.equalShapes(b) && a.equalShapes(out), "add needs one shape, got %s, %s and %s",
        a.shapeInfoToString(), b.shapeInfoToString(), out.shapeInfoToString());
    boolean vector = RowKernels.VECTOR && a.dataType() == DataType.FLOAT;
    RowRanges.forEach((int) a.size(0), (int) a.size(1), (from, to) -> {
      if (vector) {
        ByteBuffer x = RowKernels.bytes(a, from, to);
        ByteBuffer y = RowKernels.bytes(b, from, to);
        ByteBuffer z = RowKernels.bytes(out, from, to);
        int n = x.capacity() / 4;
        int blocks = n - n % RowKernels.LANES;
        VectorRowKernels.add(x, y, z, blocks);
        for (int j = blocks; j < n; j++) {
          z.putFloat(4 * j, x.getFloat(4 * j) + y.getFloat(4 * j));
        }
        return;
      }
      RowAccess ra = RowAccess.of(a);
      RowAccess rb = RowAccess.of(b);
      RowAccess ro = RowAccess.of(out);
      for (int r = from; r < to; r++) {
        ra.addTo(r, rb, ro);
      }
    });
  }

  private static void check(INDArray a, INDArray b) {
    Preconditions.checkArgument(a.rank() == 2 && b.rank() == 2, "expected 2-d arrays");
    Preconditions.checkArgument(a.dataType() == b.dataType()
            && (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE),
        "FLOAT or DOUBLE arrays of one type expected, got %s and %s", a.dataType(), b.dataType());
    Preconditions.checkArgument(a.ordering() == 'c' && b.ordering() == 'c'
            && a.elementWiseStride() == 1 && b.elementWiseStride() == 1,
        "c-order contiguous arrays expected");
  }
}
