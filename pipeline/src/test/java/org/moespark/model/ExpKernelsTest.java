package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExpKernelsTest {
  /** e^x within 2 ulp over [-87.3, 88], clamped outside, and the vector lanes give the twin's bits. */
  @Test
  void expIsWithinTwoUlpAndTheVectorLanesEqualTheTwin() {
    float[] x = new float[1 << 20];
    for (int i = 0; i < x.length; i++) {
      x[i] = ExpKernels.MIN_ARG + (ExpKernels.MAX_ARG - ExpKernels.MIN_ARG) * i / (x.length - 1);
    }
    double worstUlps = 0;
    for (float v : x) {
      double exact = Math.exp(v);
      worstUlps = Math.max(worstUlps, Math.abs(ExpKernels.exp(v) - exact) / Math.ulp((float) exact));
    }
    assertThat(worstUlps).isLessThanOrEqualTo(2);
    assertThat(ExpKernels.exp(-1e9f)).isEqualTo(ExpKernels.exp(ExpKernels.MIN_ARG));
    assertThat(ExpKernels.exp(1e9f)).isEqualTo(ExpKernels.exp(ExpKernels.MAX_ARG)).isFinite();
    float[] lanes = new float[RowKernels.LANES];
    for (int i = 0; i + 8 <= x.length; i += 8 * 997) {
      jdk.incubator.vector.FloatVector v = jdk.incubator.vector.FloatVector.fromArray(
          jdk.incubator.vector.FloatVector.SPECIES_256, x, i);
      VectorExp.exp(v).intoArray(lanes, 0);
      for (int l = 0; l < 8; l++) {
        assertThat(lanes[l]).as("e^%s", x[i + l]).isEqualTo(ExpKernels.exp(x[i + l]));
      }
    }
    // the vector clamp (compares and blends) against the twin's Math.max/min, at and past the bounds
    float[] special = {-1e9f, 1e9f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
        Math.nextDown(ExpKernels.MIN_ARG), Math.nextUp(ExpKernels.MAX_ARG), -0f};
    VectorExp.exp(jdk.incubator.vector.FloatVector.fromArray(
        jdk.incubator.vector.FloatVector.SPECIES_256, special, 0)).intoArray(lanes, 0);
    for (int l = 0; l < 8; l++) {
      assertThat(Float.floatToRawIntBits(lanes[l])).as("e^%s", special[l])
          .isEqualTo(Float.floatToRawIntBits(ExpKernels.exp(special[l])));
    }
  }

  /**
   * The exp-bound kernels run, on vectors, where {@link RowKernels} cannot even be loaded, and give
   * the same bits: {@link RowKernels}' initialisation compiles them, and C2 throws away code that
   * waits on a class still being initialised (see {@link ExpKernels}).
   */
  @Test
  void runWithoutRowKernels() throws Exception {
    URL classes = ExpKernels.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.equals(RowKernels.class.getName())) {
          throw new ClassNotFoundException(name + ": the exp-bound kernels must not need it");
        }
        return super.loadClass(name, resolve);
      }
    }) {
      Class<?> isolated = loader.loadClass(ExpKernels.class.getName());
      assertThat(isolated).isNotSameAs(ExpKernels.class);
      Method softmax = isolated.getDeclaredMethod("softmax", float[].class, int.class, float[].class, boolean.class);
      Method gate = isolated.getDeclaredMethod("swiglu", ByteBuffer.class, ByteBuffer.class, ByteBuffer.class,
          ByteBuffer.class, ByteBuffer.class, int.class);
      softmax.setAccessible(true);
      gate.setAccessible(true);
      SplittableRandom rnd = new SplittableRandom(3);
      int n = 45;
      float[] x = new float[n];
      ByteBuffer[] rows = new ByteBuffer[10];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
      }
      for (int j = 0; j < n; j++) {
        x[j] = (float) rnd.nextGaussian();
        for (int i = 0; i < 2; i++) {
          float v = (float) rnd.nextGaussian();
          rows[i].putFloat(4 * j, v);
          rows[5 + i].putFloat(4 * j, v);
        }
      }
      float[] y = x.clone();
      softmax.invoke(null, x, n, new float[8], true);
      ExpKernels.softmax(y, n, new float[8], true);
      assertThat(x).isEqualTo(y);
      gate.invoke(null, rows[0], rows[1], rows[2], rows[3], rows[4], n);
      ExpKernels.swiglu(rows[5], rows[6], rows[7], rows[8], rows[9], n);
      for (int i = 0; i < 5; i++) {
        assertThat(rows[i].rewind()).isEqualTo(rows[5 + i].rewind());
      }
    }
  }
}
