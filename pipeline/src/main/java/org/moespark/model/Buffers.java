package org.moespark.model;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Preallocated c-order work arrays: a module keeps its buffers and only reallocates when the batch shape changes. */
public final class Buffers {
  private Buffers() {}

  /** {@code current} if it already has {@code shape} and {@code type}, else a new c-order array. */
  public static INDArray ensure(INDArray current, DataType type, long... shape) {
    if (current != null && current.dataType() == type && Arrays.equals(current.shape(), shape)) {
      return current;
    }
    return Nd4j.create(type, shape, 'c');
  }
}
