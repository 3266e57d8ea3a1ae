package org.moespark.model.moe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.moespark.model.GradCheck;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BalanceLossesTest {
  static final int B = 2;
  static final int T = 5;
  static final int N = B * T;
  static final int E = 4;
  static final int K = 2;

  @Test
  void switchLossIsOneWhenBalancedAndHasTheProbGradient() {
    double[] uniform = new double[N * E];
    Arrays.fill(uniform, 1.0 / E);
    long[] balanced = new long[E];
    Arrays.fill(balanced, (long) N * K / E);
    assertThat(SwitchBalanceLoss.value(uniform, balanced, N)).isCloseTo(1.0, within(1e-12));
    long[] load = {9, 6, 4, 1};
    INDArray probs = randomProbs(1);
    DoubleSupplier loss = () -> 0.3 * SwitchBalanceLoss.value(probs.data().asDouble(), load, N);
    double[] grad = new double[N * E];
    SwitchBalanceLoss.addGrad(0.3, load, N, grad);
    GradCheck.check("probs", probs, Nd4j.createFromArray(grad), loss);
  }

  @Test
  void sequenceLossIsOneWhenEachSequenceIsBalancedAndHasTheProbGradient() {
    int[] expert = new int[N * K];
    double[] uniform = new double[N * E];
    Arrays.fill(uniform, 1.0 / E);
    int[] perSequence = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1}; // T·K = 10 pairs over E = 4: skew 3,3,2,2
    for (int b = 0; b < B; b++) {
      System.arraycopy(perSequence, 0, expert, b * T * K, T * K);
    }
    // Σ f_i·P_i = Σ (E/(K·T))·count_i / E = 1 for any counts when P is uniform
    assertThat(SequenceBalanceLoss.value(uniform, expert, B, N, K, E)).isCloseTo(1.0, within(1e-12));
    Random rnd = new Random(2);
    for (int p = 0; p < expert.length; p += K) {
      expert[p] = rnd.nextInt(E);
      expert[p + 1] = (expert[p] + 1 + rnd.nextInt(E - 1)) % E;
    }
    INDArray probs = randomProbs(3);
    DoubleSupplier loss = () -> 0.2 * SequenceBalanceLoss.value(probs.data().asDouble(), expert, B, N, K, E);
    double[] grad = new double[N * E];
    SequenceBalanceLoss.addGrad(0.2, expert, B, N, K, E, grad);
    GradCheck.check("probs", probs, Nd4j.createFromArray(grad), loss);
  }

  @Test
  void sequenceLossSeesImbalanceWithinASequenceThatTheBatchHides() {
    int[] expert = new int[N * K];
    double[] probs = new double[N * E];
    for (int t = 0; t < N; t++) {
      int first = t < T ? 0 : 2; // sequence 0 uses experts 0,1; sequence 1 uses 2,3
      expert[t * K] = first;
      expert[t * K + 1] = first + 1;
      probs[t * E + first] = 0.5;
      probs[t * E + first + 1] = 0.5;
    }
    long[] load = {T, T, T, T};
    assertThat(SwitchBalanceLoss.value(probs, load, N)).isCloseTo(1.0, within(1e-12));
    assertThat(SequenceBalanceLoss.value(probs, expert, B, N, K, E)).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void zLossIsTheMeanSquaredLogSumExpAndHasTheLogitGradient() {
    assertThat(RouterZLoss.value(logSumExps(new double[N * E]), N))
        .isCloseTo(Math.log(E) * Math.log(E), within(1e-12));
    Nd4j.getRandom().setSeed(4);
    INDArray logits = Nd4j.randn(DataType.DOUBLE, N * E).muli(3);
    DoubleSupplier loss = () -> 0.1 * RouterZLoss.value(logSumExps(logits.data().asDouble()), N);
    double[] grad = new double[N * E];
    double[] l = logits.data().asDouble();
    double[] lse = logSumExps(l);
    double[] softmax = new double[N * E];
    for (int i = 0; i < N * E; i++) {
      softmax[i] = Math.exp(l[i] - lse[i / E]);
    }
    RouterZLoss.addGrad(0.1, softmax, lse, N, E, grad);
    GradCheck.check("logits", logits, Nd4j.createFromArray(grad), loss);
  }

  private static double[] logSumExps(double[] logits) {
    double[] lse = new double[N];
    for (int t = 0; t < N; t++) {
      lse[t] = RouterZLoss.logSumExp(logits, t * E, E);
    }
    return lse;
  }

  private static INDArray randomProbs(long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray p = Nd4j.rand(DataType.DOUBLE, N, E);
    return p.diviColumnVector(p.sum(1)).reshape(N * E).dup();
  }
}
