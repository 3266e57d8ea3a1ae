package org.moespark.model.moe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.moespark.model.ModelConfig;
import org.moespark.model.ModelConfigs;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Routing and dispatch invariants over many random (and skewed) routers. */
class TokenDispatcherTest {
  static final int N = 24;
  static final int E = 6;

  static Stream<Arguments> cases() {
    return IntStream.range(0, 40).mapToObj(seed -> Arguments.of(seed,
        seed % 2 == 0 ? "softmax" : "sigmoid", 1 + seed % 3,
        new double[] {0.0, 1.0, 1.25, 0.5}[seed % 4]));
  }

  @ParameterizedTest(name = "seed {0} {1} k={2} cf={3}")
  @MethodSource("cases")
  void routingAndDispatchInvariants(int seed, String kind, int k, double cf) {
    // width ≥ N·K so that a one-hot expert output can name its (token, choice) pair
    int c = N * k;
    ModelConfig cfg = ModelConfigs.of("d-model=" + c, "heads=1", "experts=" + E, "top-k=" + k,
        "router=" + kind, "capacity-factor=" + cf);
    Nd4j.getRandom().setSeed(seed);
    INDArray w = Nd4j.randn(DataType.FLOAT, c, E);
    INDArray x = Nd4j.randn(DataType.FLOAT, N, c);
    if (seed % 5 == 0) { // skew: most tokens prefer expert 0
      x.getColumn(0).addi(3);
      w.putScalar(0, 0, 5f);
    }
    TopKRouter router = new TopKRouter(cfg, w, w.like(), Nd4j.zeros(DataType.FLOAT, E), seed);
    router.forward(x, true);
    int[] expert = router.expert();
    double[] gate = router.gate();

    for (int t = 0; t < N; t++) {
      double sum = 0;
      for (int r = 0; r < k; r++) {
        sum += gate[t * k + r];
        for (int q = 0; q < r; q++) {
          assertThat(expert[t * k + q]).as("distinct experts per token").isNotEqualTo(expert[t * k + r]);
        }
      }
      if (k > 1) {
        assertThat(sum).as("normalised gates of token %d", t).isCloseTo(1.0, within(1e-9));
      }
    }

    TokenDispatcher d = new TokenDispatcher(E, k, cf);
    d.plan(expert, N);
    int capacity = d.capacity(N);
    assertThat(capacity).isEqualTo(cf == 0 ? N * k : (int) Math.ceil(cf * N * k / E));
    int[] kept = d.keptPerExpert();
    long drops = 0;
    for (int e = 0; e < E; e++) {
      assertThat(kept[e]).as("expert %d within capacity", e).isLessThanOrEqualTo(capacity)
          .isEqualTo((int) Math.min(d.load()[e], capacity));
      int id = e;
      assertThat(d.load()[e]).isEqualTo(IntStream.of(expert).filter(v -> v == id).count());
      drops += d.dropped()[e];
    }
    if (cf == 0) {
      assertThat(drops).as("dropless").isZero();
    }
    if (seed % 5 == 0 && cf > 0 && cf <= 1.0) {
      assertThat(drops).as("a skewed router overflows capacity").isPositive();
    }

    // permute: expert blocks in expert order, token order within a block, rows are x's rows
    INDArray xPerm = d.permute(x);
    int[] slot = d.slotOfPair();
    int lastSlot = -1;
    int[] lastToken = new int[E];
    Arrays.fill(lastToken, -1);
    for (int p = 0; p < N * k; p++) {
      if (slot[p] == N * k) {
        continue;
      }
      int e = expert[p];
      assertThat(p / k).as("token order within expert %d", e).isGreaterThan(lastToken[e]);
      lastToken[e] = p / k;
      assertThat(xPerm.getRow(slot[p]).equals(x.getRow(p / k))).isTrue();
      lastSlot = Math.max(lastSlot, slot[p]);
    }
    assertThat(lastSlot + 1).isEqualTo(d.kept());

    // unpermute: with one-hot expert outputs, every kept pair lands once, on its token, scaled
    INDArray out = Nd4j.zeros(DataType.FLOAT, N * k + 1, c);
    for (int p = 0; p < N * k; p++) {
      if (slot[p] < N * k) {
        out.putScalar(slot[p], p, 1f);
      }
    }
    INDArray y = Nd4j.create(DataType.FLOAT, N, c);
    d.unpermute(out, gate, y);
    for (int t = 0; t < N; t++) {
      for (int p = 0; p < N * k; p++) {
        boolean mine = p / k == t && slot[p] < N * k;
        assertThat((double) y.getFloat(t, p)).as("y[%d, pair %d]", t, p)
            .isCloseTo(mine ? gate[p] : 0.0, within(1e-6));
      }
    }
  }
}
