package org.moespark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.moespark.analysis.RoutingFixture.d;
import static org.moespark.analysis.RoutingFixture.one;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.moespark.spark.LocalSpark;

class SaturationTest {
  @Test
  void meanTopKOverlapWithTheLastStep() {
    RoutingFixture f = new RoutingFixture();
    f.step = 1;
    f.token("a", "en", "web", 0, 1, 0, 0, 1).token("a", "en", "web", 1, 1, 0, 0, 1)
        .token("a", "en", "web", 2, 1, 0, 3, 2); // not routed at the last step: left out
    f.step = 2;
    f.token("a", "en", "web", 0, 1, 0, 2, 1).token("a", "en", "web", 1, 1, 0, 1, 0);
    Dataset<Row> s = new Saturation().compute(f.input(LocalSpark.get(), 4, 2));
    Row early = one(s, "step = 1");
    assertThat(d(early, "saturation")).isEqualTo(0.75); // (1/2 + 2/2) / 2
    assertThat(early.<Long>getAs("tokens")).isEqualTo(2);
    assertThat(early.<Long>getAs("final_step")).isEqualTo(2);
    assertThat(d(one(s, "step = 2"), "saturation")).isEqualTo(1.0);
  }
}
