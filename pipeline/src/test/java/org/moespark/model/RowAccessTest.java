package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class RowAccessTest {
  /**
   * Blocks of float32 rows read and write the rows they name, on whole arrays (one run) and on
   * views with a row stride past their width (row by row), and nothing else.
   */
  @Test
  void float32BlocksOfRowsOnWholeArraysAndStridedViews() {
    INDArray whole = Nd4j.arange(0, 6 * 5).castTo(DataType.FLOAT).reshape(6, 5);
    INDArray view = whole.get(NDArrayIndex.interval(1, 6), NDArrayIndex.interval(1, 4));
    for (INDArray a : new INDArray[] {whole, view}) {
      RowAccess rows = RowAccess.of(a);
      int w = rows.width;
      float[] block = new float[3 * w];
      rows.get(1, 3, block);
      for (int r = 0; r < 3; r++) {
        for (int j = 0; j < w; j++) {
          assertThat(block[r * w + j]).isEqualTo(a.getFloat(r + 1, j));
        }
      }
      INDArray before = whole.dup();
      float[] ones = new float[2 * w];
      java.util.Arrays.fill(ones, -1f);
      rows.put(2, 2, ones);
      for (int r = 2; r < 4; r++) {
        for (int j = 0; j < w; j++) {
          assertThat(a.getFloat(r, j)).isEqualTo(-1f);
        }
      }
      // every other element of the backing array is as it was
      assertThat(whole.neq(before).castTo(DataType.INT32).sumNumber().intValue()).isEqualTo(2 * w);
      whole.assign(before);
    }
    assertThatThrownBy(() -> RowAccess.of(Nd4j.zeros(DataType.DOUBLE, 2, 3)).get(0, new float[3]))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("float32 rows only");
  }
}
