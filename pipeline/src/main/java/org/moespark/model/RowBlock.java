package org.moespark.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rows [from, to) of a 2-D row-major matrix, as a GEMM operand without an ND4J view: a view costs
 * some 10-30 µs (shape buffers, a data-buffer view), and a grouped GEMM over 64 experts made ~1,700
 * of them per step on the demo model (20 ms). On the CPU backend {@link Gemm} hands CBLAS a pointer
 * offset; elsewhere it makes the view ({@link #view}).
 */
public record RowBlock(INDArray matrix, long from, long to) {
  public RowBlock {
    // the message is built only on failure: shapeInfoToString costs ~1 µs, and blocks are made per GEMM
    if (matrix.rank() != 2 || from < 0 || from > to || to > matrix.rows()) {
      throw new IllegalArgumentException(String.format("rows [%s, %s) of %s", from, to, matrix.shapeInfoToString()));
    }
  }

  /** The whole matrix. */
  public static RowBlock of(INDArray matrix) {
    return new RowBlock(matrix, 0, matrix.rows());
  }

  public long rows() {
    return to - from;
  }

  public long columns() {
    return matrix.columns();
  }

  /** The block as an ND4J array (the matrix itself when the block is all of it). */
  INDArray view() {
    return from == 0 && to == matrix.rows() ? matrix : Views.rows(matrix, from, to);
  }
}
