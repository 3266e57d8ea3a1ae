package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The host loops that replaced ND4J ops give ND4J's results bit for bit, in both types. */
class HostRowsTest {
  private static final int ROWS = 300;
  private static final int WIDTH = 67;

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
  void addEqualsNd4jsAdd(DataType type) {
    INDArray a = Nd4j.randn(type, ROWS, WIDTH);
    INDArray b = Nd4j.randn(type, ROWS, WIDTH).muli(1e-3);
    INDArray out = Nd4j.create(type, ROWS, WIDTH);
    HostRows.add(a, b, out);
    assertThat(out).isEqualTo(a.add(b));
    // rows of larger arrays (views at an offset), enough of them to split over the cores
    INDArray big = Nd4j.randn(type, 4 * ROWS, WIDTH);
    INDArray into = Nd4j.zeros(type, 4 * ROWS + 2, WIDTH);
    INDArray x = Views.rows(big, 3, 3 + 3 * ROWS);
    INDArray y = Views.rows(big, ROWS, 4 * ROWS);
    HostRows.add(x, y, Views.rows(into, 1, 1 + 3 * ROWS));
    assertThat(Views.rows(into, 1, 1 + 3 * ROWS)).isEqualTo(x.add(y));
    assertThat(into.getRow(0).sumNumber().doubleValue()).isZero();
    assertThat(Views.rows(into, 1 + 3 * ROWS, 4 * ROWS + 2).sumNumber().doubleValue()).isZero();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
  void gatherEqualsPullRows(DataType type) {
    INDArray src = Nd4j.randn(type, 50, WIDTH);
    int[] idx = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      idx[i] = (i * 37) % 50;
    }
    INDArray dst = Nd4j.zeros(type, ROWS + 5, WIDTH);
    HostRows.gather(src, idx, ROWS, dst);
    assertThat(Views.rows(dst, 0, ROWS)).isEqualTo(Nd4j.pullRows(src, 1, idx));
    assertThat(Views.rows(dst, ROWS, ROWS + 5).sumNumber().doubleValue()).isZero();
  }

  /** Zeroes exactly the view (offset and length honoured), across chunk boundaries. */
  @Test
  void zeroClearsTheViewOnly() {
    INDArray flat = Nd4j.ones(DataType.FLOAT, 100_000);
    INDArray view = Nd4j.create(flat.data(), new long[] {70_000}, new long[] {1}, 1_234, 'c');
    HostRows.zero(view);
    assertThat(flat.sumNumber().doubleValue()).isEqualTo(30_000);
    assertThat(flat.getDouble(1_233)).isEqualTo(1);
    assertThat(flat.getDouble(1_234)).isZero();
    assertThat(flat.getDouble(71_233)).isZero();
    assertThat(flat.getDouble(71_234)).isEqualTo(1);
  }

  /** Rows of a given width over a contiguous 3-D array are the rows of its 2-D reshape. */
  @Test
  void rowsOfAWidthOverAnyRank() {
    INDArray a = Nd4j.randn(DataType.FLOAT, 3, 4, 8);
    RowAccess rows = RowAccess.of(a, 8);
    double[] row = new double[8];
    rows.get(7, row);
    for (int j = 0; j < 8; j++) {
      assertThat(row[j]).isEqualTo(a.getFloat(1, 3, j));
    }
  }
}
