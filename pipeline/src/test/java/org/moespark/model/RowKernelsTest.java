package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

class RowKernelsTest {
  /** The tests run with the module (the pom's argLine), so the vector kernels are what they check. */
  @Test
  void theTestJvmHasTheVectorModule() {
    assertThat(RowKernels.VECTOR).isTrue();
  }

  /** e^x within 2 ulp over [-87.3, 88], clamped outside, and the vector lanes give the twin's bits. */
  @Test
  void expIsWithinTwoUlpAndTheVectorLanesEqualTheTwin() {
    float[] x = new float[1 << 20];
    for (int i = 0; i < x.length; i++) {
      x[i] = RowKernels.MIN_ARG + (RowKernels.MAX_ARG - RowKernels.MIN_ARG) * i / (x.length - 1);
    }
    double worstUlps = 0;
    for (float v : x) {
      double exact = Math.exp(v);
      worstUlps = Math.max(worstUlps, Math.abs(RowKernels.exp(v) - exact) / Math.ulp((float) exact));
    }
    assertThat(worstUlps).isLessThanOrEqualTo(2);
    assertThat(RowKernels.exp(-1e9f)).isEqualTo(RowKernels.exp(RowKernels.MIN_ARG));
    assertThat(RowKernels.exp(1e9f)).isEqualTo(RowKernels.exp(RowKernels.MAX_ARG)).isFinite();
    float[] lanes = new float[RowKernels.LANES];
    for (int i = 0; i + 8 <= x.length; i += 8 * 997) {
      jdk.incubator.vector.FloatVector v = jdk.incubator.vector.FloatVector.fromArray(
          jdk.incubator.vector.FloatVector.SPECIES_256, x, i);
      VectorExp.exp(v).intoArray(lanes, 0);
      for (int l = 0; l < 8; l++) {
        assertThat(lanes[l]).as("e^%s", x[i + l]).isEqualTo(RowKernels.exp(x[i + l]));
      }
    }
    // the vector clamp (compares and blends) against the twin's Math.max/min, at and past the bounds
    float[] special = {-1e9f, 1e9f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
        Math.nextDown(RowKernels.MIN_ARG), Math.nextUp(RowKernels.MAX_ARG), -0f};
    VectorExp.exp(jdk.incubator.vector.FloatVector.fromArray(
        jdk.incubator.vector.FloatVector.SPECIES_256, special, 0)).intoArray(lanes, 0);
    for (int l = 0; l < 8; l++) {
      assertThat(Float.floatToRawIntBits(lanes[l])).as("e^%s", special[l])
          .isEqualTo(Float.floatToRawIntBits(RowKernels.exp(special[l])));
    }
  }

  /** The vector max (four running maxima) is Math.max's fold: NaN wins, +0 beats −0, any length. */
  @Test
  void vectorMaxIsMathMaxFold() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int blocks : new int[] {8, 24, 32, 40, 2048}) {
      for (float planted : new float[] {Float.NaN, 0f, -0f, 1e30f}) {
        float[] x = new float[blocks];
        for (int j = 0; j < blocks; j++) {
          x[j] = planted == 0f ? -0f - (float) rnd.nextDouble() : (float) rnd.nextGaussian();
        }
        x[rnd.nextInt(blocks)] = planted;
        float expected = Float.NEGATIVE_INFINITY;
        for (float v : x) {
          expected = Math.max(expected, v);
        }
        assertThat(Float.floatToRawIntBits(VectorRowKernels.max(x, blocks, Float.NEGATIVE_INFINITY, new float[8])))
            .as("max of %s with %s", blocks, planted).isEqualTo(Float.floatToRawIntBits(expected));
      }
    }
  }

  /** float → double on vectors is the cast, special values and the tail past the lanes included. */
  @Test
  void widenEqualsTheCast() {
    float[] x = {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY, 1e-40f,
        3.14159f, -2.5e30f, 7f, 0.1f};
    double[] out = new double[x.length];
    RowKernels.widen(x, out, x.length);
    for (int j = 0; j < x.length; j++) {
      assertThat(Double.doubleToRawLongBits(out[j])).as("%s", x[j]).isEqualTo(Double.doubleToRawLongBits(x[j]));
    }
  }

  /** The sum of squares gives the same bits on vectors and on the twin, and float64's sum. */
  @Test
  void sumSquaresVectorAndTwinGiveTheSameBits() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int n : new int[] {0, 1, 7, 8, 9, 1000, 16384}) {
      float[] x = new float[n];
      double exact = 0;
      for (int j = 0; j < n; j++) {
        x[j] = (float) (rnd.nextGaussian() * (j % 7 == 0 ? 1e3 : 1e-3));
        exact += (double) x[j] * x[j];
      }
      double twin = RowKernels.sumSquares(x, n, false);
      assertThat(RowKernels.sumSquares(x, n, true)).as("n=%d", n).isEqualTo(twin);
      assertThat(twin).isCloseTo(exact, within(1e-12 * exact + 1e-300));
      float[] y = new float[n];
      double exactDot = 0;
      for (int j = 0; j < n; j++) {
        y[j] = (float) rnd.nextGaussian();
        exactDot += (double) x[j] * y[j];
      }
      double dotTwin = RowKernels.dot(x, y, n, false);
      assertThat(RowKernels.dot(x, y, n, true)).as("dot n=%d", n).isEqualTo(dotTwin);
      assertThat(dotTwin).isCloseTo(exactDot, within(1e-12 * Math.sqrt(exact * n) + 1e-300));
    }
  }

  /**
   * Softmax and the SwiGLU gate give the same bits on vectors and on the scalar twin, for row
   * widths around the lane count and with wide logits, and match ND4J's softmax and sigmoid.
   */
  @Test
  void vectorAndTwinGiveTheSameBitsAndMatchNd4j() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] lanes = new float[RowKernels.LANES];
    for (int width : new int[] {1, 7, 8, 9, 16, 45, 2048, 2051}) {
      float[] x = new float[width];
      for (int j = 0; j < width; j++) {
        x[j] = (float) (rnd.nextGaussian() * (j % 5 == 0 ? 40 : 3));
      }
      float[] vec = x.clone();
      float[] twin = x.clone();
      RowKernels.softmax(vec, width, lanes, true);
      RowKernels.softmax(twin, width, lanes, false);
      assertThat(vec).as("softmax width %s", width).isEqualTo(twin);
      INDArray nd4j = Nd4j.createFromArray(new float[][] {x});
      Nd4j.exec(new SoftMax(nd4j, nd4j, -1));
      float[] expected = nd4j.toFloatVector();
      for (int j = 0; j < width; j++) {
        assertThat(vec[j]).as("softmax width %s column %s", width, j).isCloseTo(expected[j], within(2e-6f + 2e-5f * expected[j]));
      }

      float[] b = new float[width];
      for (int j = 0; j < width; j++) {
        b[j] = (float) rnd.nextGaussian();
      }
      float[] av = x.clone();
      float[] bv = b.clone();
      float[] sv = new float[width];
      float[] at = x.clone();
      float[] bt = b.clone();
      float[] st = new float[width];
      RowKernels.swiglu(av, bv, sv, true);
      RowKernels.swiglu(at, bt, st, false);
      assertThat(sv).as("sigmoid width %s", width).isEqualTo(st);
      assertThat(av).as("silu width %s", width).isEqualTo(at);
      assertThat(bv).as("gate width %s", width).isEqualTo(bt);
      INDArray sig = Nd4j.createFromArray(new float[][] {x});
      Nd4j.exec(new Sigmoid(sig, sig));
      float[] sigExpected = sig.toFloatVector();
      for (int j = 0; j < width; j++) {
        assertThat(sv[j]).as("sigmoid width %s column %s", width, j).isCloseTo(sigExpected[j], within(1e-6f));
        assertThat(av[j]).isEqualTo(x[j] * sv[j]);
        assertThat(bv[j]).isEqualTo(av[j] * b[j]);
      }
    }
  }

  /** The row drivers cover every row of offset views and refuse what is not contiguous float32. */
  @Test
  void rowDriversCoverViewsAndRefuseOtherLayouts() {
    Nd4j.getRandom().setSeed(4);
    INDArray flat = Nd4j.randn(DataType.FLOAT, 1, 5 + 6 * 11);
    INDArray rows = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(5, 5 + 66)).reshape(6, 11);
    INDArray expected = rows.dup();
    Nd4j.exec(new SoftMax(expected, expected, -1));
    RowKernels.softmaxRows(rows, false);
    assertThat(rows.equalsWithEps(expected, 1e-6)).isTrue();
    assertThat(flat.getFloat(0, 4)).as("before the view").isNotCloseTo(0, within(0f));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RowKernels.softmaxRows(Nd4j.zeros(DataType.DOUBLE, 2, 3), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contiguous float32 rows");
  }
}
