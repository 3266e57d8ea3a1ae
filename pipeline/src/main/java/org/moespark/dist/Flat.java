package org.moespark.dist;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Flat views of row blocks, the shape collectives take. */
final class Flat {
  private Flat() {}

  /**
   * The first {@code rows} rows of a 2-D array with contiguous rows, as a rank-1 view of the same
   * memory (a reshape might copy, and the collective would then fill the copy).
   */
  static INDArray rows(INDArray a, long rows) {
    if (a.rank() != 2 || a.ordering() != 'c' || a.stride(1) != 1 || a.stride(0) != a.columns()
        || rows < 0 || rows > a.rows()) {
      throw new IllegalArgumentException(
          "need the first " + rows + " rows of a 2-D array with contiguous rows, got "
              + a.shapeInfoToString());
    }
    if (rows == 0) {
      return Nd4j.empty(a.dataType());
    }
    return Nd4j.create(a.data(), new long[] {rows * a.columns()}, new long[] {1}, a.offset(), 'c');
  }
}
