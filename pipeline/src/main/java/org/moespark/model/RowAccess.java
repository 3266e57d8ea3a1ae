package org.moespark.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rows of a 2-D c-order float32/float64 array (views with a row stride included) read and
 * written as float64 through the NIO view of its host buffer (zero-copy on the CPU backend,
 * DESIGN §6), so one host loop serves both types. The base of {@code asNio*()} is the buffer's
 * start and {@code offset()} a view's first element.
 */
public abstract class RowAccess {
  /** Elements per row. */
  public final int width;
  private final int base;
  private final int ld;

  private RowAccess(int width, int base, int ld) {
    this.width = width;
    this.base = base;
    this.ld = ld;
  }

  /** The rows of a 2-D c-order array (a view with a row stride included). */
  public static RowAccess of(INDArray a) {
    // messages only on failure: shapeInfoToString costs ~1 µs, and row loops make these per range
    if (a.rank() != 2 || a.stride(1) != 1 || a.ordering() != 'c') {
      throw new IllegalArgumentException("host row loops need 2-d c-order rows, got " + a.shapeInfoToString());
    }
    int width = (int) a.columns();
    return of(a, width, a.rows() == 1 ? width : (int) a.stride(0));
  }

  /**
   * A contiguous c-order array of any rank as rows of {@code width} elements: no reshaped view,
   * which costs ND4J some 10-50 µs to make.
   */
  public static RowAccess of(INDArray a, int width) {
    if (a.ordering() != 'c' || a.elementWiseStride() != 1 || a.length() % width != 0) {
      throw new IllegalArgumentException(
          "rows of " + width + " elements need a contiguous c-order array, got " + a.shapeInfoToString());
    }
    return of(a, width, width);
  }

  private static RowAccess of(INDArray a, int width, int ld) {
    if (a.dataType() == DataType.FLOAT) {
      return new FloatRows(a, width, ld);
    }
    Preconditions.checkArgument(a.dataType() == DataType.DOUBLE, "float32 or float64 only, got %s",
        a.dataType());
    return new DoubleRows(a, width, ld);
  }

  /** {@code out[0, width) = a[row]}. */
  public abstract void get(int row, double[] out);

  /** {@code a[row] = in[0, width)}. */
  public abstract void put(int row, double[] in);

  /** float32 rows only: {@code out[0, width) = a[row]}, no conversion (float32 host loops). */
  public final void get(int row, float[] out) {
    get(row, 1, out);
  }

  /** float32 rows only: {@code a[row] = in[0, width)}. */
  public final void put(int row, float[] in) {
    put(row, 1, in);
  }

  /** float32 rows only: rows [row, row + count) into {@code out}, one after another. */
  public abstract void get(int row, int count, float[] out);

  /** float32 rows only: rows [row, row + count) from {@code in}, one after another. */
  public abstract void put(int row, int count, float[] in);

  /** {@code dst[dstRow] = this[row]}: a copy in the arrays' own type (both of it), no conversion. */
  public abstract void copyTo(int row, RowAccess dst, int dstRow);

  /** {@code out[row] = this[row] + b[row]}, in the arrays' own type (all three of it). */
  public abstract void addTo(int row, RowAccess b, RowAccess out);

  final int at(int row) {
    return base + row * ld;
  }

  /** Rows back to back: a block of rows is one run of elements. */
  final boolean contiguous() {
    return ld == width;
  }

  private static final class FloatRows extends RowAccess {
    private final FloatBuffer buf;
    private final float[] tmp;

    FloatRows(INDArray a, int width, int ld) {
      super(width, (int) a.offset(), ld);
      buf = a.data().asNioFloat();
      tmp = new float[width];
    }

    @Override
    public void get(int row, double[] out) {
      buf.get(at(row), tmp, 0, width);
      RowKernels.widen(tmp, out, width);
    }

    @Override
    public void put(int row, double[] in) {
      for (int j = 0; j < width; j++) {
        tmp[j] = (float) in[j];
      }
      buf.put(at(row), tmp, 0, width);
    }

    @Override
    public void get(int row, int count, float[] out) {
      if (contiguous()) {
        buf.get(at(row), out, 0, count * width);
        return;
      }
      for (int i = 0; i < count; i++) {
        buf.get(at(row + i), out, i * width, width);
      }
    }

    @Override
    public void put(int row, int count, float[] in) {
      if (contiguous()) {
        buf.put(at(row), in, 0, count * width);
        return;
      }
      for (int i = 0; i < count; i++) {
        buf.put(at(row + i), in, i * width, width);
      }
    }

    @Override
    public void copyTo(int row, RowAccess dst, int dstRow) {
      ((FloatRows) dst).buf.put(dst.at(dstRow), buf, at(row), width);
    }

    @Override
    public void addTo(int row, RowAccess b, RowAccess out) {
      FloatRows fb = (FloatRows) b;
      buf.get(at(row), tmp, 0, width);
      fb.buf.get(fb.at(row), fb.tmp, 0, width);
      for (int j = 0; j < width; j++) {
        tmp[j] += fb.tmp[j];
      }
      ((FloatRows) out).buf.put(out.at(row), tmp, 0, width);
    }
  }

  private static final class DoubleRows extends RowAccess {
    private final DoubleBuffer buf;
    private double[] tmp;

    DoubleRows(INDArray a, int width, int ld) {
      super(width, (int) a.offset(), ld);
      buf = a.data().asNioDouble();
    }

    private double[] scratch() {
      if (tmp == null) {
        tmp = new double[width];
      }
      return tmp;
    }

    @Override
    public void get(int row, double[] out) {
      buf.get(at(row), out, 0, width);
    }

    @Override
    public void put(int row, double[] in) {
      buf.put(at(row), in, 0, width);
    }

    @Override
    public void get(int row, int count, float[] out) {
      throw new UnsupportedOperationException("float32 rows only; these are float64");
    }

    @Override
    public void put(int row, int count, float[] in) {
      throw new UnsupportedOperationException("float32 rows only; these are float64");
    }

    @Override
    public void copyTo(int row, RowAccess dst, int dstRow) {
      ((DoubleRows) dst).buf.put(dst.at(dstRow), buf, at(row), width);
    }

    @Override
    public void addTo(int row, RowAccess b, RowAccess out) {
      double[] x = scratch();
      double[] y = ((DoubleRows) b).scratch();
      get(row, x);
      b.get(row, y);
      for (int j = 0; j < width; j++) {
        x[j] += y[j];
      }
      out.put(row, x);
    }
  }
}
