package org.moespark.model.moe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.moespark.model.GradCheck;
import org.moespark.model.ModelConfig;
import org.moespark.model.ModelConfigs;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TopKRouterTest {
  static final int N = 7;
  static final int C = 4;
  static final int E = 5;

  @ParameterizedTest(name = "{0} k={1} normalize={2} jitter={3}")
  @CsvSource({"softmax,1,true,0", "softmax,2,true,0", "softmax,2,false,0", "sigmoid,1,true,0",
      "sigmoid,2,true,0", "sigmoid,3,false,0", "softmax,2,true,0.2", "sigmoid,2,true,0.2"})
  void gradientsMatchFiniteDifferences(String kind, int k, boolean normalize, double jitter) {
    ModelConfig cfg = ModelConfigs.of("d-model=" + C, "heads=1", "experts=" + E, "top-k=" + k,
        "router=" + kind, "normalize-gates=" + normalize, "jitter=" + jitter);
    Nd4j.getRandom().setSeed(k * 31L + kind.length());
    INDArray w = Nd4j.randn(DataType.DOUBLE, C, E);
    INDArray wGrad = Nd4j.zeros(DataType.DOUBLE, C, E);
    INDArray bias = Nd4j.randn(DataType.DOUBLE, E).muli(0.1);
    INDArray x = Nd4j.randn(DataType.DOUBLE, N, C);
    double[] rGate = Nd4j.randn(DataType.DOUBLE, N * k).toDoubleVector();
    double[] rProbs = Nd4j.randn(DataType.DOUBLE, N * E).toDoubleVector();
    TopKRouter router = new TopKRouter(cfg, w, wGrad, bias, 1);
    // a fresh router with the same seed draws the same jitter noise
    DoubleSupplier loss = () -> {
      TopKRouter fresh = new TopKRouter(cfg, w, wGrad.like(), bias, 1);
      fresh.forward(x, true);
      return dot(rGate, fresh.gate()) + dot(rProbs, fresh.probs());
    };
    router.forward(x, true);
    INDArray dx = Nd4j.zeros(DataType.DOUBLE, N, C);
    router.backward(rGate, rProbs, new double[N * E], dx);
    GradCheck.check("x", x, dx, loss);
    GradCheck.check("router", w, wGrad, loss);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"softmax", "sigmoid"})
  void logSumExpAndSoftmaxOfLogitsAreTheZLossInputs(String kind) {
    ModelConfig cfg = ModelConfigs.of("d-model=" + C, "heads=1", "experts=" + E, "top-k=2", "router=" + kind);
    Nd4j.getRandom().setSeed(6);
    INDArray w = Nd4j.randn(DataType.DOUBLE, C, E).muli(4);
    INDArray x = Nd4j.randn(DataType.DOUBLE, N, C);
    TopKRouter router = new TopKRouter(cfg, w, w.like(), Nd4j.zeros(DataType.DOUBLE, E), 1);
    router.forward(x, false);
    double[] softmax = router.softmaxOfLogits();
    for (int t = 0; t < N; t++) {
      assertThat(router.logSumExp()[t]).isEqualTo(RouterZLoss.logSumExp(router.logits(), t * E, E));
      double sum = 0;
      for (int e = 0; e < E; e++) {
        double p = Math.exp(router.logits()[t * E + e] - router.logSumExp()[t]);
        assertThat(softmax[t * E + e]).isCloseTo(p, within(1e-15));
        sum += softmax[t * E + e];
      }
      assertThat(sum).isCloseTo(1.0, within(1e-12));
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"softmax", "sigmoid"})
  void biasSteersSelectionButGatesComeFromUnbiasedScores(String kind) {
    ModelConfig cfg = ModelConfigs.of("d-model=" + C, "heads=1", "experts=" + E, "top-k=2",
        "router=" + kind);
    Nd4j.getRandom().setSeed(5);
    INDArray w = Nd4j.randn(DataType.DOUBLE, C, E);
    INDArray x = Nd4j.randn(DataType.DOUBLE, N, C);
    INDArray bias = Nd4j.zeros(DataType.DOUBLE, E);
    bias.putScalar(E - 1, 100.0);
    TopKRouter router = new TopKRouter(cfg, w, w.like(), bias, 1);
    router.forward(x, false);
    double[] logits = x.mmul(w).data().asDouble();
    for (int t = 0; t < N; t++) {
      assertThat(router.expert()[t * 2]).isEqualTo(E - 1);
      double[] s = new double[E];
      double softmaxSum = 0;
      for (int e = 0; e < E; e++) {
        softmaxSum += Math.exp(logits[t * E + e]);
      }
      for (int e = 0; e < E; e++) {
        double l = logits[t * E + e];
        s[e] = kind.equals("softmax") ? Math.exp(l) / softmaxSum : 1 / (1 + Math.exp(-l));
      }
      int e0 = router.expert()[t * 2];
      int e1 = router.expert()[t * 2 + 1];
      int best = 0;
      for (int e = 1; e < E - 1; e++) {
        best = s[e] > s[best] ? e : best;
      }
      assertThat(e1).as("second choice is the best unbiased among the rest").isEqualTo(best);
      assertThat(router.gate()[t * 2]).isCloseTo(s[e0] / (s[e0] + s[e1]), within(1e-12));
      assertThat(router.gate()[t * 2 + 1]).isCloseTo(s[e1] / (s[e0] + s[e1]), within(1e-12));
    }
  }

  @Test
  void jitterPerturbsTheRouterInputOnlyInTraining() {
    ModelConfig cfg = ModelConfigs.of("d-model=" + C, "heads=1", "experts=" + E, "jitter=0.1");
    Nd4j.getRandom().setSeed(9);
    INDArray w = Nd4j.randn(DataType.DOUBLE, C, E);
    INDArray x = Nd4j.randn(DataType.DOUBLE, N, C);
    TopKRouter router = new TopKRouter(cfg, w, w.like(), Nd4j.zeros(DataType.DOUBLE, E), 3);
    router.forward(x, false);
    double[] clean = router.logits().clone();
    assertThat(clean).containsExactly(x.mmul(w).data().asDouble(), within(1e-12));
    router.forward(x, true);
    double[] noisy = router.logits().clone();
    assertThat(noisy).isNotEqualTo(clean);
    for (int i = 0; i < clean.length; i++) {
      assertThat(Math.abs(noisy[i] - clean[i])).isLessThanOrEqualTo(0.1 * sumAbs(x, w, i) + 1e-12);
    }
  }

  /** Bound on |Δlogit| under multiplicative input noise in [1 − ε, 1 + ε]: ε·Σ_c |x_c·w_c|. */
  private static double sumAbs(INDArray x, INDArray w, int i) {
    int t = i / E;
    int e = i % E;
    double s = 0;
    for (int c = 0; c < C; c++) {
      s += Math.abs(x.getDouble(t, c) * w.getDouble(c, e));
    }
    return s;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
