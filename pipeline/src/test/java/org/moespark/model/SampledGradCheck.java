package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Central finite differences in float64 on a seeded sample of entries (whole-model checks are too slow element by element), plus seeded test arrays. */
final class SampledGradCheck {
  static final double EPS = 1e-6;
  static final double REL_TOL = 1e-5;
  /** Below this both gradients count as zero (cancellation noise of the central difference). */
  static final double ABS_FLOOR = 1e-8;

  private SampledGradCheck() {}

  /**
   * Perturbs {@code samples} entries of {@code x} (all when it has fewer) and compares
   * {@code (loss(x+ε) − loss(x−ε))/2ε} with {@code grad} at the same entries. Returns the count checked.
   */
  static int check(String what, INDArray x, INDArray grad, DoubleSupplier loss, int samples, long seed) {
    assertThat(x.dataType()).isEqualTo(DataType.DOUBLE);
    INDArray fx = x.reshape(x.length());
    INDArray fg = grad.dup('c').reshape(grad.length());
    SplittableRandom rnd = new SplittableRandom(seed);
    long n = fx.length();
    int count = (int) Math.min(samples, n);
    for (int s = 0; s < count; s++) {
      long i = count == n ? s : rnd.nextLong(n);
      double orig = fx.getDouble(i);
      fx.putScalar(i, orig + EPS);
      double up = loss.getAsDouble();
      fx.putScalar(i, orig - EPS);
      double down = loss.getAsDouble();
      fx.putScalar(i, orig);
      double numeric = (up - down) / (2 * EPS);
      double analytic = fg.getDouble(i);
      double scale = Math.max(Math.max(Math.abs(numeric), Math.abs(analytic)), ABS_FLOOR);
      assertThat(Math.abs(numeric - analytic) / scale)
          .as("%s[%d]: analytic %.10g numeric %.10g", what, i, analytic, numeric)
          .isLessThan(Math.abs(numeric - analytic) < ABS_FLOOR ? Double.MAX_VALUE : REL_TOL);
    }
    return count;
  }

  /** A standard-normal DOUBLE array of the given shape, seeded. */
  static INDArray randn(long seed, long... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    INDArray a = Nd4j.create(DataType.DOUBLE, shape, 'c');
    INDArray f = a.reshape(a.length());
    for (long i = 0; i < a.length(); i++) {
      f.putScalar(i, gaussian(r));
    }
    return a;
  }

  static double gaussian(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  /** {@code Σ out ⊙ r}: a loss whose output gradient is r. */
  static double dot(INDArray out, INDArray r) {
    return out.mul(r).sumNumber().doubleValue();
  }
}
