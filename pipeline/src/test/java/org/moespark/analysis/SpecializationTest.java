package org.moespark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.moespark.analysis.RoutingFixture.d;
import static org.moespark.analysis.RoutingFixture.one;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.moespark.spark.LocalSpark;

class SpecializationTest {
  @Test
  void sharesOfEachLabelsTokensPerExpertWithBootstrapIntervals() {
    RoutingFixture f = new RoutingFixture()
        .token("a1", "en", "A", 0, 1, 0, 0, 1)
        .token("a1", "en", "A", 1, 1, 0, 0, 2)
        .token("b1", "en", "B", 0, 1, 0, 3, 1)
        // label C: one document all on expert 0, one never: resamples give 0, 1/2 or 1
        .token("c1", "de", "C", 0, 1, 0, 0, 1)
        .token("c2", "de", "C", 0, 1, 0, 2, 1);
    Dataset<Row> s = new Specialization().compute(f.input(LocalSpark.get(), 4, 2));
    String a = "by = 'domain' and label = 'A' and layer = 0 and expert = ";
    assertThat(d(one(s, a + 0), "share")).isEqualTo(1.0);
    assertThat(d(one(s, a + 1), "share")).isEqualTo(0.5);
    assertThat(d(one(s, a + 2), "share")).isEqualTo(0.5);
    Row zero = one(s, a + 3);
    assertThat(zero.<Long>getAs("n")).isZero();
    assertThat(zero.<Long>getAs("label_tokens")).isEqualTo(2);
    assertThat(d(zero, "uniform")).isEqualTo(0.5);
    assertThat(d(one(s, "by = 'lang' and label = 'en' and layer = 0 and expert = 0"), "share"))
        .isEqualTo(2 / 3.0);
    // a single document (B) resamples to itself: a zero-width interval at the share
    Row b = one(s, "by = 'domain' and label = 'B' and layer = 0 and expert = 3");
    assertThat(d(b, "ci_low")).isEqualTo(1.0);
    assertThat(d(b, "ci_high")).isEqualTo(1.0);
    Row c = one(s, "by = 'domain' and label = 'C' and layer = 0 and expert = 0");
    assertThat(d(c, "share")).isEqualTo(0.5);
    assertThat(d(c, "ci_low")).isEqualTo(0.0);
    assertThat(d(c, "ci_high")).isEqualTo(1.0);
  }
}
