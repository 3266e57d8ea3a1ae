package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.stream.LongStream;
import org.assertj.core.data.Offset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Central finite differences in float64 against an analytic gradient, element by element: every
 * element of tensors up to {@value #MAX_ELEMENTS} long, a fixed random sample of that many
 * elements of larger ones (each forward costs milliseconds of per-op overhead).
 */
public final class GradCheck {
  private static final double EPS = 1e-6;
  private static final double ATOL = 1e-7;
  private static final double RTOL = 1e-5;
  static final int MAX_ELEMENTS = 48;

  private GradCheck() {}

  /**
   * Asserts {@code analytic[i] ≈ (loss(p + ε e_i) − loss(p − ε e_i)) / 2ε} for the elements i of
   * {@code param} (see above); {@code loss} must run the forward pass afresh.
   */
  public static void check(String name, INDArray param, INDArray analytic, DoubleSupplier loss) {
    assertThat(param.dataType()).isEqualTo(DataType.DOUBLE);
    INDArray expected = analytic.dup();
    double maxAbs = 0;
    long[] elements = param.length() <= MAX_ELEMENTS
        ? LongStream.range(0, param.length()).toArray()
        : new Random(param.length()).longs(0, param.length()).distinct().limit(MAX_ELEMENTS).toArray();
    for (long i : elements) {
      double v = param.getDouble(i);
      param.putScalar(i, v + EPS);
      double up = loss.getAsDouble();
      param.putScalar(i, v - EPS);
      double down = loss.getAsDouble();
      param.putScalar(i, v);
      double numeric = (up - down) / (2 * EPS);
      double a = expected.getDouble(i);
      maxAbs = Math.max(maxAbs, Math.abs(numeric));
      assertThat(a).as("%s[%d]: analytic %s vs numeric %s", name, i, a, numeric)
          .isCloseTo(numeric, Offset.offset(ATOL + RTOL * Math.abs(numeric)));
    }
    assertThat(maxAbs).as("%s: gradient should not be all zero", name).isGreaterThan(0);
  }
}
