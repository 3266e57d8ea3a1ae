package org.moespark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.moespark.analysis.RoutingFixture.d;
import static org.moespark.analysis.RoutingFixture.one;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.moespark.spark.LocalSpark;

class PositionRoutingTest {
  @Test
  void expertSharesPerPositionBucket() {
    RoutingFixture f = new RoutingFixture();
    int[] positions = {0, 1, 2, 3, 4, 15, 16, 300};
    int[] experts = {0, 1, 1, 2, 3, 3, 0, 3};
    for (int i = 0; i < positions.length; i++) {
      f.token("d", "en", "web", positions[i], 1, 0, experts[i]);
    }
    Dataset<Row> p = new PositionRouting().compute(f.input(LocalSpark.get(), 4, 1));
    assertThat(d(one(p, "bucket = '0' and expert = 0"), "share")).isEqualTo(1.0);
    Row low = one(p, "bucket = '1-3' and expert = 1");
    assertThat(d(low, "share")).isEqualTo(2 / 3.0);
    assertThat(low.<Integer>getAs("bucket_start")).isEqualTo(1);
    assertThat(low.<Long>getAs("bucket_tokens")).isEqualTo(3);
    assertThat(one(p, "bucket = '1-3' and expert = 0").<Long>getAs("n")).isZero();
    assertThat(d(one(p, "bucket = '4-15' and expert = 3"), "share")).isEqualTo(1.0);
    assertThat(d(one(p, "bucket = '16-63' and expert = 0"), "share")).isEqualTo(1.0);
    assertThat(d(one(p, "bucket = '256+' and expert = 3"), "share")).isEqualTo(1.0);
    assertThat(d(one(p, "bucket = '256+' and expert = 3"), "uniform")).isEqualTo(0.25);
    assertThat(p.where("bucket = '64-255'").count()).isZero();
  }
}
