package org.moespark.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.moespark.analysis.RoutingFixture.d;
import static org.moespark.analysis.RoutingFixture.one;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.moespark.spark.LocalSpark;

class SignificanceTest {
  @Test
  void mutualInformationOfAContingencyTable() {
    assertThat(DocCounts.mutualInformation(new double[][] {{2, 0}, {0, 2}})).isCloseTo(Math.log(2), within(1e-12));
    assertThat(DocCounts.mutualInformation(new double[][] {{1, 1}, {3, 3}})).isCloseTo(0, within(1e-12));
    // p = [[1/2, 1/4], [0, 1/4]]: 1/2 ln(1/2 / (3/4 · 1/2)) + 1/4 ln(1/4 / (3/4 · 1/2)) + 1/4 ln(1/4 / (1/4 · 1/2))
    double mi = 0.5 * Math.log(4 / 3.0) + 0.25 * Math.log(2 / 3.0) + 0.25 * Math.log(2);
    assertThat(DocCounts.mutualInformation(new double[][] {{2, 1}, {0, 1}})).isCloseTo(mi, within(1e-12));
  }

  @Test
  void labelsArePermutedOverDocumentsWithThePlusOneCorrection() {
    // Two documents, one per label, each all on one expert: every relabelling of the documents
    // gives the same MI (ln 2), so p = (1 + P) / (1 + P) = 1. Shuffling tokens would not.
    RoutingFixture f = new RoutingFixture();
    for (int p = 0; p < 5; p++) { // only layer 1 is an MoE layer (moe-every = 2)
      f.token("x", "en", "web", p, 1, 1, 0);
      f.token("y", "ru", "web", p, 1, 1, 1);
    }
    AnalysisInput in = AnalysisInput.of(f.frame(LocalSpark.get()), 2, 1,
        RoutingFixture.config(19, 9), null);
    Dataset<Row> s = new Significance().compute(in);
    assertThat(s.where("layer = 0").count()).isZero();
    Row lang = one(s, "by = 'lang' and layer = 1");
    assertThat(d(lang, "mi")).isCloseTo(Math.log(2), within(1e-12));
    assertThat(d(lang, "p_value")).isEqualTo(1.0);
    assertThat(d(lang, "null_mean")).isCloseTo(Math.log(2), within(1e-12));
    assertThat(lang.<Integer>getAs("docs")).isEqualTo(2);
    assertThat(lang.<Integer>getAs("labels")).isEqualTo(2);
    Row domain = one(s, "by = 'domain' and layer = 1");
    assertThat(d(domain, "mi")).isZero();
    assertThat(d(domain, "p_value")).isEqualTo(1.0);
  }

  @Test
  void shuffledLabelsAreAPermutation() {
    RoutingFixture f = new RoutingFixture();
    String[] langs = {"en", "en", "ru", "de", "de", "de"};
    for (int d = 0; d < langs.length; d++) {
      f.token("doc" + d, langs[d], "web", 0, 1, 0, d % 2);
    }
    AnalysisInput in = f.input(LocalSpark.get(), 2, 1);
    DocCounts dc = in.docCounts().get(0);
    int[] shuffled = dc.shuffledLabels(1, new SplittableRandom(3));
    int[] sortedShuffled = shuffled.clone();
    int[] sortedOriginal = dc.docLabel[1].clone();
    Arrays.sort(sortedShuffled);
    Arrays.sort(sortedOriginal);
    assertThat(sortedShuffled).containsExactly(sortedOriginal);
    assertThat(dc.docs()).isEqualTo(6);
    assertThat(dc.labelNames[1]).containsExactlyInAnyOrder("en", "ru", "de");
  }
}
