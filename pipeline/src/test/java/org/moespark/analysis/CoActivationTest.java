package org.moespark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.moespark.analysis.RoutingFixture.d;
import static org.moespark.analysis.RoutingFixture.one;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.moespark.spark.LocalSpark;

class CoActivationTest {
  @Test
  void everyOrderedPairOfTheTopKSet() {
    RoutingFixture f = new RoutingFixture()
        .token("a", "en", "web", 0, 1, 0, 0, 1, 2)
        .token("a", "en", "web", 1, 1, 0, 0, 1, 3);
    Dataset<Row> c = new CoActivation().compute(f.input(LocalSpark.get(), 4, 3));
    assertThat(d(one(c, "expert = 0 and other = 1"), "share")).isEqualTo(1.0);
    assertThat(d(one(c, "expert = 0 and other = 2"), "share")).isEqualTo(0.5);
    assertThat(d(one(c, "expert = 2 and other = 0"), "share")).isEqualTo(1.0);
    assertThat(d(one(c, "expert = 3 and other = 1"), "share")).isEqualTo(1.0);
    Row pair = one(c, "expert = 1 and other = 3");
    assertThat(pair.<Long>getAs("n_pair")).isEqualTo(1);
    assertThat(pair.<Long>getAs("n_expert")).isEqualTo(2);
    assertThat(c.where("expert = 2 and other = 3").count()).isZero();
    assertThat(c.where("expert = other").count()).isZero();
    assertThat(c.count()).isEqualTo(10); // 3·2 ordered pairs per token, 2 shared by both
  }
}
