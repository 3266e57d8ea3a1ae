package org.moespark.model.moe;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bulk copies between small own ND4J buffers (router logits [N, E], gate columns [N]) and Java
 * arrays, through NIO (zero-copy views of host memory, DESIGN §6), for float32 and float64.
 */
final class HostArrays {
  private HostArrays() {}

  static void read(INDArray a, double[] out) {
    long len = own(a);
    if (a.dataType() == DataType.DOUBLE) {
      a.data().asNioDouble().get(out, 0, (int) len);
    } else {
      FloatBuffer fb = a.data().asNioFloat();
      for (int i = 0; i < len; i++) {
        out[i] = fb.get(i);
      }
    }
  }

  static void write(double[] in, INDArray a) {
    long len = own(a);
    if (a.dataType() == DataType.DOUBLE) {
      DoubleBuffer db = a.data().asNioDouble();
      db.put(in, 0, (int) len);
      db.rewind();
    } else {
      FloatBuffer fb = a.data().asNioFloat();
      for (int i = 0; i < len; i++) {
        fb.put(i, (float) in[i]);
      }
    }
  }

  private static long own(INDArray a) {
    Preconditions.checkArgument(a.offset() == 0 && a.ordering() == 'c' && !a.isView(),
        "host copy needs an own c-order buffer");
    Preconditions.checkArgument(a.dataType() == DataType.DOUBLE || a.dataType() == DataType.FLOAT,
        "float32 or float64 only, got %s", a.dataType());
    return a.length();
  }
}
