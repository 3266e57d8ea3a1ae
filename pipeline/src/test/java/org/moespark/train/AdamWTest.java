package org.moespark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.moespark.model.ParamBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AdamWTest {
  private static final double LR = 0.01;
  private static final double WD = 0.1;
  private static final double B1 = 0.9;
  private static final double B2 = 0.95;
  private static final double EPS = 1e-8;

  @Test
  void twoStepsEqualTheHandFormulaWithDecayOnlyOnDecaySlotsAndFrozenBias() {
    ParamBuffer pb = ParamBuffer.builder().add("w", 2, 2).addNoDecay("g", 2)
        .add("h0.moe.expert_bias", ParamBuffer.Role.SELECTION_ONLY, ParamBuffer.Init.ZEROS, 3)
        .allocate(DataType.DOUBLE);
    double[] p0 = {0.5, -1.0, 2.0, 0.25, 1.5, -0.5, 0.3, -0.2, 0.1};
    double[][] grads = {{0.1, -0.2, 0.3, 0.0, -1.0, 2.0, 5.0, 5.0, 5.0},
        {-0.3, 0.4, 0.1, 0.2, 0.5, -0.5, 5.0, 5.0, 5.0}};
    for (int i = 0; i < p0.length; i++) {
      pb.params().putScalar(i, p0[i]);
    }
    AdamW opt = new AdamW(pb, WD, B1, B2, EPS);
    double[] p = p0.clone();
    double[] m = new double[p.length];
    double[] v = new double[p.length];
    for (int step = 1; step <= 2; step++) {
      for (int i = 0; i < p.length; i++) {
        pb.grads().putScalar(i, grads[step - 1][i]);
      }
      opt.step(LR);
      for (int i = 0; i < 6; i++) {
        double g = grads[step - 1][i];
        if (i < 4) {
          p[i] -= LR * WD * p[i];
        }
        m[i] = B1 * m[i] + (1 - B1) * g;
        v[i] = B2 * v[i] + (1 - B2) * g * g;
        double mhat = m[i] / (1 - Math.pow(B1, step));
        double vhat = v[i] / (1 - Math.pow(B2, step));
        p[i] -= LR * mhat / (Math.sqrt(vhat) + EPS);
      }
      for (int i = 0; i < p.length; i++) {
        assertThat(pb.params().getDouble(i)).as("step %d, p[%d]", step, i).isCloseTo(p[i], within(1e-12));
      }
    }
    assertThat(opt.steps()).isEqualTo(2);
    // the expert bias (slots 6..8) kept its value despite a large gradient
    assertThat(pb.params().getDouble(6)).isEqualTo(0.3);
  }

  @Test
  void clipIsAFactorFromTheGlobalNorm() {
    ParamBuffer pb = ParamBuffer.builder().add("w", 2).allocate(DataType.FLOAT);
    pb.grads().putScalar(0, 3f);
    pb.grads().putScalar(1, 4f);
    assertThat(GradClip.norm(pb.grads())).isEqualTo(5.0);
    assertThat(GradClip.sumSquares(pb.grads(), 1, 2)).isEqualTo(16.0);
    assertThat(GradClip.scale(5.0, 10.0)).isEqualTo(1.0);
    assertThat(GradClip.scale(5.0, 1.0)).isCloseTo(0.2, within(1e-15));
    assertThat(GradClip.scale(5.0, 0.0)).isEqualTo(1.0);
  }

  @Test
  void theNormOfFloat32GradientsSumsInFloat64() {
    int n = 3_000_000;
    ParamBuffer pb = ParamBuffer.builder().add("w", n).allocate(DataType.FLOAT);
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    float[] g = new float[n];
    double exact = 0;
    for (int i = 0; i < n; i++) {
      g[i] = (float) r.nextGaussian();
      exact += (double) g[i] * g[i];
    }
    pb.grads().assign(org.nd4j.linalg.factory.Nd4j.createFromArray(g));
    assertThat(GradClip.norm(pb.grads())).isCloseTo(Math.sqrt(exact), within(1e-9 * Math.sqrt(exact)));
    assertThat(GradClip.sumSquares(pb.grads(), 1000, n)).isCloseTo(exact - GradClip.sumSquares(pb.grads(), 0, 1000),
        within(1e-9 * exact));
  }

  @Test
  void aGradScaleStepsAsIfTheBufferHeldTheScaledGradient() {
    ParamBuffer scaled = ParamBuffer.builder().add("w", 3).allocate(DataType.DOUBLE);
    ParamBuffer folded = ParamBuffer.builder().add("w", 3).allocate(DataType.DOUBLE);
    AdamW a = new AdamW(scaled, WD, B1, B2, EPS);
    AdamW b = new AdamW(folded, WD, B1, B2, EPS);
    for (int step = 0; step < 3; step++) {
      for (int i = 0; i < 3; i++) {
        double g = (i - 1.0) * (step + 1);
        scaled.grads().putScalar(i, 0.25 * g);
        folded.grads().putScalar(i, g);
      }
      a.step(LR);
      b.step(LR, 0.25);
      assertThat(folded.params().toDoubleVector()).containsExactly(scaled.params().toDoubleVector());
    }
    // the buffer is left as the caller filled it
    assertThat(folded.grads().getDouble(0)).isEqualTo(-3.0);
  }

  /** The float32 update on vectors gives the twin's bits, ranges with tails past the 8 lanes included. */
  @Test
  void vectorUpdateGivesTheTwinsBits() {
    int n = 3 * AdamWKernel.CHUNK + 13;
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    INDArray[][] state = new INDArray[2][4];
    for (int k = 0; k < 4; k++) {
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        x[i] = (float) (k == 3 ? Math.abs(r.nextGaussian()) * 1e-4 : r.nextGaussian());
      }
      state[0][k] = Nd4j.createFromArray(x);
      state[1][k] = Nd4j.createFromArray(x.clone());
    }
    float p0Last = state[0][0].getFloat(n - 1);
    List<AdamWKernel.Range> ranges = List.of(new AdamWKernel.Range(0, 1001, 0.999, 1e-3),
        new AdamWKernel.Range(1001, n, 1.0, 2e-3));
    AdamWKernel kernel = new AdamWKernel(B1, B2, EPS);
    for (int step = 0; step < 3; step++) {
      kernel.run(state[0][0], state[0][1], state[0][2], state[0][3], ranges, 0.7, true);
      kernel.run(state[1][0], state[1][1], state[1][2], state[1][3], ranges, 0.7, false);
    }
    for (int k : new int[] {0, 2, 3}) {
      assertThat(state[0][k].toFloatVector()).as("buffer %d", k).containsExactly(state[1][k].toFloatVector());
    }
    assertThat(state[0][0].getFloat(n - 1)).as("the tail was updated").isNotEqualTo(p0Last);
  }

  @Test
  void theUpdateAndTheNormHaveTheSameBitsForAnyChunkingAcrossThreads() {
    int n = 5 * AdamWKernel.CHUNK + 17;
    ParamBuffer one = ParamBuffer.builder().add("w", n).allocate(DataType.FLOAT);
    ParamBuffer many = ParamBuffer.builder().add("w", n).allocate(DataType.FLOAT);
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    for (int i = 0; i < n; i++) {
      float g = (float) r.nextGaussian();
      one.grads().putScalar(i, g);
      many.grads().putScalar(i, g);
    }
    double serial;
    java.util.concurrent.ForkJoinPool single = new java.util.concurrent.ForkJoinPool(1);
    try {
      serial = single.submit(() -> {
        new AdamW(one, WD, B1, B2, EPS).step(LR, 0.5);
        return GradClip.norm(one.grads());
      }).get();
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      single.shutdown();
    }
    new AdamW(many, WD, B1, B2, EPS).step(LR, 0.5);
    assertThat(GradClip.norm(many.grads())).isEqualTo(serial);
    assertThat(many.params().toFloatVector()).containsExactly(one.params().toFloatVector());
  }

  @Test
  void scheduleWarmsUpLinearlyThenFollowsTheCosineToTheFloor() {
    CosineSchedule s = new CosineSchedule(1.0, 0.1, 10, 110);
    assertThat(s.at(0)).isCloseTo(0.1, within(1e-12));
    assertThat(s.at(9)).isCloseTo(1.0, within(1e-12));
    assertThat(s.at(10)).isCloseTo(1.0, within(1e-12));
    assertThat(s.at(60)).isCloseTo(0.55, within(1e-12));
    assertThat(s.at(110)).isCloseTo(0.1, within(1e-12));
    assertThat(s.at(500)).isCloseTo(0.1, within(1e-12));
    assertThat(s.at(35)).isGreaterThan(s.at(36));
    assertThat(new CosineSchedule(1.0, 0.0, 0, 10).at(0)).isCloseTo(1.0, within(1e-12));
  }
}
