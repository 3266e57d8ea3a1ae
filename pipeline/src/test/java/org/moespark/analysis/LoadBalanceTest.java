package org.moespark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.moespark.analysis.RoutingFixture.d;
import static org.moespark.analysis.RoutingFixture.one;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.moespark.routing.RoutingRow;
import org.moespark.spark.LocalSpark;

class LoadBalanceTest {
  @Test
  void countsCvMaxOverMeanEntropyDeadAndDrops() {
    RoutingFixture f = new RoutingFixture()
        .token("a", "en", "web", 0, 1, 0, 0, 1)
        .token("a", "en", "web", 1, 1, 0, 0, 2);
    f.rows.add(new RoutingRow(10, "validation", "a", "en", "web", 2, 1, 0, 0, 0, 0.75f, false));
    f.rows.add(new RoutingRow(10, "validation", "a", "en", "web", 2, 1, 0, 1, 1, 0.25f, true));
    Row r = one(new LoadBalance().compute(f.input(LocalSpark.get(), 4, 2)), "layer = 0");
    // counts [3, 2, 1, 0]: mean 1.5, population variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
    assertThat(r.getList(r.fieldIndex("counts"))).containsExactly(3L, 2L, 1L, 0L);
    assertThat(r.<Long>getAs("tokens")).isEqualTo(3);
    assertThat(r.<Long>getAs("assignments")).isEqualTo(6);
    assertThat(d(r, "cv")).isCloseTo(Math.sqrt(1.25) / 1.5, within(1e-12));
    assertThat(d(r, "max_over_mean")).isCloseTo(2.0, within(1e-12));
    double h = -(0.5 * Math.log(0.5) + Math.log(1 / 3.0) / 3 + Math.log(1 / 6.0) / 6);
    assertThat(d(r, "entropy")).isCloseTo(h, within(1e-12));
    assertThat(d(r, "entropy_norm")).isCloseTo(h / Math.log(4), within(1e-12));
    assertThat(r.<Long>getAs("dead_experts")).isEqualTo(1);
    assertThat(d(r, "drop_rate")).isCloseTo(1 / 6.0, within(1e-12));
  }
}
