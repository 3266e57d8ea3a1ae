package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ParamBufferTest {
  @Test
  void viewsWriteThroughToTheFlatBuffer() {
    ParamBuffer pb = ParamBuffer.builder().add("w", 2, 3).addNoDecay("g", 4).allocate(DataType.FLOAT);
    INDArray w = pb.view("w");
    w.putScalar(1, 2, 7f);
    pb.grad("g").putScalar(3, 5f);
    assertThat(pb.size()).isEqualTo(10);
    assertThat(pb.params().getFloat(5)).isEqualTo(7f);
    assertThat(pb.grads().getFloat(9)).isEqualTo(5f);
    assertThat(w.ordering()).isEqualTo('c');
    assertThat(pb.slot("g").decay()).isFalse();
    assertThatThrownBy(() -> pb.view("nope")).hasMessageContaining("nope");
  }
}
