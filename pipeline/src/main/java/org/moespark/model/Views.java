package org.moespark.model;

import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sub-views of c-order arrays built directly on the root buffer at an absolute offset. Needed
 * because in ND4J 1.0.0-M2.1 {@code INDArray.get(...)} on a view compares the view's absolute
 * offset with its own length and returns an empty array (or NPEs) when the offset is larger, e.g.
 * {@code paramBuffer.view("w").get(point(last), all(), all())}. {@code Nd4j.create(buffer, shape,
 * stride, offset, order)} takes the offset as absolute in the original buffer.
 */
public final class Views {
  private Views() {}

  /** Rows [from, to) of a 2-D c-order array whose rows are contiguous. */
  public static INDArray rows(INDArray a, long from, long to) {
    Preconditions.checkArgument(a.rank() == 2 && a.stride(1) == 1 && from >= 0 && to <= a.rows()
        && from < to, "rows [%s, %s) of %s", from, to, a.shapeInfoToString());
    return Nd4j.create(a.data(), new long[] {to - from, a.columns()}, a.stride(),
        a.offset() + from * a.stride(0), 'c');
  }

  /** The first {@code n} entries along dimension 0 of a c-order array of any rank. */
  public static INDArray prefix(INDArray a, long n) {
    Preconditions.checkArgument(n > 0 && n <= a.size(0) && a.ordering() == 'c',
        "first %s along dimension 0 of %s", n, a.shapeInfoToString());
    if (n == a.size(0)) {
      return a;
    }
    long[] shape = a.shape().clone();
    shape[0] = n;
    return Nd4j.create(a.data(), shape, a.stride(), a.offset(), 'c');
  }

  /** Columns [from, to) of a 2-D c-order array: a strided view (row stride unchanged). */
  public static INDArray columns(INDArray a, long from, long to) {
    Preconditions.checkArgument(a.rank() == 2 && a.stride(1) == 1 && from >= 0
        && to <= a.columns() && from < to, "columns [%s, %s) of %s", from, to,
        a.shapeInfoToString());
    return Nd4j.create(a.data(), new long[] {a.rows(), to - from}, a.stride(),
        a.offset() + from, 'c');
  }

  /** {@code a[i]}: the i-th matrix of a contiguous 3-D c-order array. */
  public static INDArray slice(INDArray a, long i) {
    Preconditions.checkArgument(a.rank() == 3 && a.stride(2) == 1
        && a.stride(1) == a.size(2) && i >= 0 && i < a.size(0), "slice %s of %s", i,
        a.shapeInfoToString());
    return Nd4j.create(a.data(), new long[] {a.size(1), a.size(2)},
        new long[] {a.stride(1), 1}, a.offset() + i * a.stride(0), 'c');
  }
}
