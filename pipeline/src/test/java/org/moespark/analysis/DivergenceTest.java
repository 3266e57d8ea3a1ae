package org.moespark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.moespark.analysis.RoutingFixture.d;
import static org.moespark.analysis.RoutingFixture.one;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.moespark.spark.LocalSpark;

class DivergenceTest {
  @Test
  void jensenShannonOfNormalisedMeanGateVectorsAgainstThePool() {
    RoutingFixture f = new RoutingFixture()
        .gated("a", "en", "A", 0, 1, 0, new int[] {0}, new float[] {0.5f}) // normalised to (1,0,0,0)
        .gated("b", "ru", "B", 0, 1, 0, new int[] {1}, new float[] {1f});
    Dataset<Row> div = new Divergence().compute(f.input(LocalSpark.get(), 4, 1));
    // Mean gate vectors: A (0.5, 0, ..) → normalised (1, 0); B (0, 1); the pool of all tokens'
    // gates (0.5, 1) / 2 → normalised (1/3, 2/3).
    double[] pool = {1 / 3.0, 2 / 3.0};
    // JSD(A, pool) with M = (2/3, 1/3): [ln(3/2) + 1/3 ln(1/2) + 2/3 ln 2] / 2
    double jsdA = (Math.log(1.5) + Math.log(0.5) / 3 + 2 * Math.log(2) / 3) / 2;
    assertThat(jsd(new double[] {1, 0}, pool)).isCloseTo(jsdA, within(1e-12));
    Row a = one(div, "by = 'domain' and label = 'A'");
    assertThat(d(a, "jsd")).isCloseTo(jsdA, within(1e-12));
    assertThat(d(a, "jsd_norm")).isCloseTo(jsdA / Math.log(4), within(1e-12));
    assertThat(a.<Long>getAs("tokens")).isEqualTo(1);
    assertThat(d(one(div, "by = 'lang' and label = 'ru'"), "jsd"))
        .isCloseTo(jsd(new double[] {0, 1}, pool), within(1e-12));
    assertThat(d(one(div, "by = 'lang' and label = 'ru'"), "jsd")).isLessThan(jsdA);
  }

  /** Reference Jensen–Shannon divergence (nats) of two distributions. */
  static double jsd(double[] p, double[] q) {
    double s = 0;
    for (int e = 0; e < p.length; e++) {
      double m = (p[e] + q[e]) / 2;
      s += (p[e] > 0 ? p[e] * Math.log(p[e] / m) : 0) + (q[e] > 0 ? q[e] * Math.log(q[e] / m) : 0);
    }
    return s / 2;
  }
}
