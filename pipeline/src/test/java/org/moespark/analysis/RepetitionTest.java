package org.moespark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.moespark.analysis.RoutingFixture.d;
import static org.moespark.analysis.RoutingFixture.one;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.moespark.spark.LocalSpark;

class RepetitionTest {
  @Test
  void consecutivePositionsOfOneDocumentOnly() {
    RoutingFixture f = new RoutingFixture()
        .token("d", "en", "web", 0, 1, 0, 0, 1)
        .token("d", "en", "web", 1, 1, 0, 0, 2) // same first, shared
        .token("d", "en", "web", 2, 1, 0, 1, 3) // neither
        .token("d", "en", "web", 4, 1, 0, 1, 0) // gap: no pair
        .token("e", "en", "web", 0, 1, 0, 2, 3)
        .token("e", "en", "web", 1, 1, 0, 3, 2); // shared, first differs
    Row r = one(new Repetition().compute(f.input(LocalSpark.get(), 4, 2)), "layer = 0");
    assertThat(r.<Long>getAs("pairs")).isEqualTo(3);
    assertThat(d(r, "first_same")).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(d(r, "any_shared")).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(d(r, "first_baseline")).isEqualTo(0.25);
    assertThat(d(r, "any_baseline")).isCloseTo(5 / 6.0, within(1e-12)); // 1 - C(2,2)/C(4,2)
  }

  @Test
  void randomBaselinesOfMixtral() {
    assertThat(Repetition.anyBaseline(8, 2)).isCloseTo(1 - 15 / 28.0, within(1e-12)); // 46%
    assertThat(Repetition.anyBaseline(8, 1)).isCloseTo(1 / 8.0, within(1e-12));
    assertThat(Repetition.anyBaseline(4, 3)).isEqualTo(1.0);
  }
}
