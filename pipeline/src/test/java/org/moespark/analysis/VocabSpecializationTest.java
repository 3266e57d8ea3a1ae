package org.moespark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.moespark.analysis.RoutingFixture.d;
import static org.moespark.analysis.RoutingFixture.one;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.moespark.spark.LocalSpark;

class VocabSpecializationTest {
  static RoutingFixture tokens() {
    return new RoutingFixture()
        .token("a", "en", "web", 0, 7, 0, 0, 1)
        .token("a", "en", "web", 1, 7, 0, 0, 2)
        .token("a", "en", "web", 2, 7, 0, 1, 2)
        .token("a", "en", "web", 3, 7, 0, 0, 3)
        .token("a", "en", "web", 4, 8, 0, 2, 3);
  }

  @Test
  void shareOfATokensOccurrencesPerExpert() {
    Dataset<Row> v = new VocabSpecialization().compute(tokens().input(LocalSpark.get(), 4, 2));
    assertThat(d(one(v, "token_id = 7 and expert = 0"), "share")).isEqualTo(0.75);
    assertThat(d(one(v, "token_id = 7 and expert = 1"), "share")).isEqualTo(0.5);
    assertThat(d(one(v, "token_id = 7 and expert = 3"), "share")).isEqualTo(0.25);
    assertThat(one(v, "token_id = 7 and expert = 3").<Long>getAs("token_count")).isEqualTo(4);
    assertThat(d(one(v, "token_id = 8 and expert = 2"), "share")).isEqualTo(1.0);
    assertThat(v.where("token_id = 8 and expert = 0").count()).isZero();
  }

  @Test
  void topTokensRankBySharePerExpertAndDecode() {
    AnalysisInput in = AnalysisInput.of(tokens().frame(LocalSpark.get()), 4, 2,
        new AnalysisConfig(9, 9, 0.95, 1, 2, 1), id -> "tok" + id);
    Dataset<Row> top = new TopTokens().compute(in);
    Row first = one(top, "expert = 2 and rank = 1");
    assertThat(first.<Integer>getAs("token_id")).isEqualTo(8);
    assertThat(first.<String>getAs("token")).isEqualTo("tok8");
    assertThat(one(top, "expert = 2 and rank = 2").<Integer>getAs("token_id")).isEqualTo(7);
    assertThat(top.where("rank > 2").count()).isZero();
    AnalysisInput frequentOnly = AnalysisInput.of(tokens().frame(LocalSpark.get()), 4, 2,
        new AnalysisConfig(9, 9, 0.95, 1, 2, 2), null);
    Row only = one(new TopTokens().compute(frequentOnly), "expert = 2");
    assertThat(only.<Integer>getAs("token_id")).isEqualTo(7);
    assertThat(only.<String>getAs("token")).isNull();
  }
}
