package org.moespark.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.moespark.model.Views;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FlatTest {
  @Test
  void theFirstRowsOfAViewAtAnOffsetAreTheSameMemory() {
    INDArray big = Nd4j.zeros(DataType.FLOAT, 6, 3);
    INDArray rows = Views.rows(big, 2, 5);
    INDArray flat = Flat.rows(rows, 2);
    assertThat(flat.shape()).containsExactly(6);
    flat.assign(Nd4j.arange(6).castTo(DataType.FLOAT));
    assertThat(big.getRow(2).toFloatVector()).containsExactly(0, 1, 2);
    assertThat(big.getRow(3).toFloatVector()).containsExactly(3, 4, 5);
    assertThat(big.getRow(4).toFloatVector()).containsOnly(0);
    // What the collective reads is that memory, not a copy.
    assertThat(Nio.bytes(flat).asFloatBuffer().get(5)).isEqualTo(5f);
  }

  @Test
  void noRowsIsAnEmptyArrayAndStridedColumnsAreRefused() {
    assertThat(Nio.bytes(Flat.rows(Nd4j.zeros(DataType.DOUBLE, 2, 3), 0)).remaining()).isZero();
    assertThatThrownBy(() -> Flat.rows(Views.columns(Nd4j.zeros(DataType.DOUBLE, 2, 3), 0, 2), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contiguous rows");
  }
}
