package org.moespark.analysis;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import static org.moespark.analysis.RoutingFixture.d;
import static org.moespark.analysis.RoutingFixture.one;

import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.routing.RoutingTable;
import org.moespark.spark.Tables;
import org.moespark.spark.LocalSpark;

/**
 * A routing table with planted structure (8 experts, top-2, 2 layers, 240 documents balanced over
 * lang en/ru/de × domain code/web × length 20..60), written to routing/, analysed by the Analyzer
 * end to end; every table is read back from Parquet and checked against its schema file.
 *
 * <ul>
 *   <li>layer 0: ru tokens → {6, 7}; en/de first choice (p/2) mod 5 (a repeat at every even p),
 *       second random in 0..4; token 42 (every p ≡ 5 mod 10) gets expert 5 as second choice in
 *       every layer, and 5 is chosen for nothing else;
 *   <li>layer 1: code tokens first choice 3 unless p ≡ 9 mod 10 (so exactly 90%), position 0
 *       always first choice 3, everything else random over {0, 1, 2, 3, 4, 6, 7} (without 3 in
 *       code documents);
 *   <li>an earlier step 100 routes every token with p ≡ 0 mod 10 to two other experts
 *       (saturation 0.9).
 * </ul>
 */
class PlantedRoutingTest {
  static final SparkSession SPARK = LocalSpark.get();
  static final String[] LANGS = {"en", "ru", "de"};
  static final String[] DOMAINS = {"code", "web"};
  static final int DOCS = 240;
  static final float G0 = 191f / 255;
  static final float G1 = 64f / 255;
  @TempDir static Path dir;
  static String out;

  @BeforeAll
  static void plantAndAnalyze() {
    out = dir.toString();
    RoutingFixture f = new RoutingFixture();
    for (long step : new long[] {100, 200}) {
      f.step = step;
      SplittableRandom rnd = new SplittableRandom(11);
      for (int d = 0; d < DOCS; d++) {
        String lang = LANGS[d % 3];
        String domain = DOMAINS[(d / 3) % 2];
        for (int p = 0; p < length(d); p++) {
          int token = p % 10 == 5 ? 42 : 100 + rnd.nextInt(500);
          int[] l0 = lang.equals("ru") ? new int[] {6, token == 42 ? 5 : 7}
              : new int[] {(p / 2) % 5, token == 42 ? 5 : -1};
          if (l0[1] < 0) {
            l0[1] = other(rnd, new int[] {0, 1, 2, 3, 4}, l0[0]);
          }
          boolean code = domain.equals("code");
          int[] rest = code ? new int[] {0, 1, 2, 4, 6, 7} : new int[] {0, 1, 2, 3, 4, 6, 7};
          int first = p == 0 || code && p % 10 != 9 ? 3 : other(rnd, rest, -1);
          int[] l1 = {first, token == 42 ? 5 : other(rnd, rest, first)};
          if (step == 100 && p % 10 == 0) {
            l0 = disjoint(l0);
            l1 = disjoint(l1);
          }
          String doc = "d" + d;
          f.gated(doc, lang, domain, p, token, 0, l0, new float[] {G0, G1});
          f.gated(doc, lang, domain, p, token, 1, l1, new float[] {G0, G1});
        }
      }
    }
    RoutingTable.write(f.frame(SPARK), out, "planted");
    new Analyzer(RoutingFixture.config(199, 200), 8, 2, id -> "tok" + id).run(SPARK, out, "planted");
  }

  static int length(int doc) {
    return 20 + 10 * (doc % 5);
  }

  static int other(SplittableRandom rnd, int[] from, int not) {
    while (true) {
      int e = from[rnd.nextInt(from.length)];
      if (e != not) {
        return e;
      }
    }
  }

  /** The two smallest experts outside {@code set}. */
  static int[] disjoint(int[] set) {
    int[] out = new int[2];
    int n = 0;
    for (int e = 0; n < 2; e++) {
      if (e != set[0] && e != set[1]) {
        out[n++] = e;
      }
    }
    return out;
  }

  static Dataset<Row> table(String name) {
    String table = "analysis/" + name;
    Dataset<Row> back = SPARK.read().parquet(Tables.path(out, table));
    assertThat(Tables.sameShape(back.schema(), Tables.schema(table)))
        .as(name + ": " + back.schema().treeString()).isTrue();
    assertThat(back.select("run_id").distinct().collectAsList()).extracting(r -> r.getString(0))
        .containsExactly("planted");
    return back;
  }

  @Test
  void everyTableIsWrittenForTheLastStep() {
    for (Metric m : Analyzer.METRICS) {
      Dataset<Row> t = table(m.table());
      assertThat(t.count()).as(m.table()).isPositive();
      if (!m.table().equals("saturation")) {
        assertThat(t.select("step").distinct().collectAsList()).as(m.table())
            .extracting(r -> r.getLong(0)).containsExactly(200L);
      }
    }
  }

  @Test
  void codeTakesExpertThreeInLayerOneAndRuTakesSixAndSeven() {
    Dataset<Row> s = table("specialization");
    Row code = one(s, "by = 'domain' and label = 'code' and layer = 1 and expert = 3");
    assertThat(d(code, "share")).isEqualTo(0.9);
    assertThat(d(code, "uniform")).isEqualTo(0.25);
    assertThat(d(code, "ci_low")).isLessThanOrEqualTo(0.9);
    assertThat(d(code, "ci_high")).isGreaterThanOrEqualTo(0.9);
    assertThat(d(one(s, "by = 'lang' and label = 'ru' and layer = 0 and expert = 6"), "share")).isEqualTo(1.0);
    assertThat(d(one(s, "by = 'lang' and label = 'ru' and layer = 0 and expert = 7"), "share")).isEqualTo(0.9);
    assertThat(d(one(s, "by = 'lang' and label = 'ru' and layer = 0 and expert = 0"), "share")).isEqualTo(0.0);
    Row noisy = one(s, "by = 'domain' and label = 'web' and layer = 1 and expert = 0");
    assertThat(d(noisy, "ci_high") - d(noisy, "ci_low")).isPositive();
    assertThat(d(noisy, "share")).isBetween(d(noisy, "ci_low"), d(noisy, "ci_high"));
  }

  @Test
  void tokenFortyTwoAlwaysGoesToExpertFive() {
    Dataset<Row> v = table("vocab_specialization");
    for (int layer = 0; layer < 2; layer++) {
      Row r = one(v, "token_id = 42 and expert = 5 and layer = " + layer);
      assertThat(d(r, "share")).isEqualTo(1.0);
      assertThat(r.<Long>getAs("token_count")).isEqualTo(DOCS * 4L);
    }
    assertThat(v.where("expert = 5 and token_id != 42").count()).isZero();
    Row top = one(table("top_tokens"), "layer = 0 and expert = 5 and rank = 1");
    assertThat(top.<Integer>getAs("token_id")).isEqualTo(42);
    assertThat(top.<String>getAs("token")).isEqualTo("tok42");
  }

  @Test
  void firstChoicesRepeatAtTheDesignedRate() {
    long same = 0;
    long pairs = 0;
    for (int d = 0; d < DOCS; d++) {
      int n = length(d);
      pairs += n - 1;
      same += d % 3 == 1 ? n - 1 : n / 2; // ru always 6; en/de (p/2) mod 5 repeats at even p
    }
    Row r = one(table("repetition"), "layer = 0");
    assertThat(r.<Long>getAs("pairs")).isEqualTo(pairs);
    assertThat(d(r, "first_same")).isCloseTo((double) same / pairs, within(1e-12));
    assertThat(d(r, "any_shared")).isGreaterThanOrEqualTo(d(r, "first_same"));
    assertThat(d(r, "first_baseline")).isEqualTo(0.125);
    assertThat(d(r, "any_baseline")).isCloseTo(13.0 / 28, within(1e-12));
  }

  @Test
  void coactivationOfRuExperts() {
    Dataset<Row> c = table("coactivation");
    assertThat(d(one(c, "layer = 0 and expert = 6 and other = 7"), "share")).isEqualTo(0.9);
    assertThat(d(one(c, "layer = 0 and expert = 7 and other = 6"), "share")).isEqualTo(1.0);
    assertThat(d(one(c, "layer = 0 and expert = 6 and other = 5"), "share")).isCloseTo(0.1, within(1e-12));
  }

  @Test
  void earlierStepAgreesOnNinetyPercent() {
    Dataset<Row> s = table("saturation");
    for (int layer = 0; layer < 2; layer++) {
      assertThat(d(one(s, "step = 100 and layer = " + layer), "saturation")).isCloseTo(0.9, within(1e-12));
      assertThat(d(one(s, "step = 200 and layer = " + layer), "saturation")).isEqualTo(1.0);
    }
  }

  @Test
  void positionZeroGoesToExpertThreeInLayerOne() {
    Dataset<Row> p = table("position");
    Row r = one(p, "layer = 1 and bucket = '0' and expert = 3");
    assertThat(d(r, "share")).isEqualTo(1.0);
    assertThat(r.<Long>getAs("bucket_tokens")).isEqualTo(DOCS);
    assertThat(p.select("bucket").distinct().collectAsList()).extracting(x -> x.getString(0))
        .containsExactlyInAnyOrder("0", "1-3", "4-15", "16-63");
  }

  @Test
  void ruDivergesInLayerZeroOnly() {
    // Population mean gate vectors of layer 0: ru 0.9 (6: G0, 7: G1) + 0.1 (6: G0, 5: G1);
    // en/de first choice uniform over 0..4 with G0, second uniform over the rest of 0..4 with G1
    // (expert 5 with G1 at token 42).
    double[] ru = new double[8];
    ru[6] = G0;
    ru[7] = 0.9 * G1;
    ru[5] = 0.1 * G1;
    double[] other = new double[8];
    for (int e = 0; e < 5; e++) {
      other[e] = G0 / 5 + 0.9 * G1 / 5;
    }
    other[5] = 0.1 * G1;
    double[] pooled = new double[8];
    for (int e = 0; e < 8; e++) {
      pooled[e] = ru[e] / 3 + other[e] * 2 / 3;
    }
    Dataset<Row> div = table("divergence");
    Row r = one(div, "by = 'lang' and label = 'ru' and layer = 0");
    assertThat(d(r, "jsd")).isCloseTo(DivergenceTest.jsd(ru, pooled), within(0.005));
    assertThat(d(r, "jsd_norm")).isCloseTo(d(r, "jsd") / Math.log(8), within(1e-12));
    assertThat(d(one(div, "by = 'lang' and label = 'en' and layer = 0"), "jsd"))
        .isCloseTo(DivergenceTest.jsd(other, pooled), within(0.005));
    assertThat(d(one(div, "by = 'lang' and label = 'ru' and layer = 1"), "jsd")).isLessThan(0.005);
  }

  @Test
  void permutationTestFindsThePlantedLabelsOnly() {
    Dataset<Row> s = table("significance");
    Map<String, Double> p = Map.of(
        "lang0", d(one(s, "by = 'lang' and layer = 0"), "p_value"),
        "domain1", d(one(s, "by = 'domain' and layer = 1"), "p_value"),
        "lang1", d(one(s, "by = 'lang' and layer = 1"), "p_value"),
        "domain0", d(one(s, "by = 'domain' and layer = 0"), "p_value"));
    assertThat(p.get("lang0")).isEqualTo(1.0 / 200);
    assertThat(p.get("domain1")).isEqualTo(1.0 / 200);
    assertThat(p.get("lang1")).as("%s", p).isGreaterThan(0.05);
    assertThat(p.get("domain0")).as("%s", p).isGreaterThan(0.05);
    Row r = one(s, "by = 'lang' and layer = 0");
    assertThat(r.<Integer>getAs("docs")).isEqualTo(DOCS);
    assertThat(r.<Integer>getAs("permutations")).isEqualTo(199);
    assertThat(d(r, "mi")).isGreaterThan(10 * d(r, "null_mean"));
  }

  @Test
  void loadCountsEveryChoice() {
    Dataset<Row> load = table("load");
    long tokens = 0;
    for (int d = 0; d < DOCS; d++) {
      tokens += length(d);
    }
    for (Row r : load.orderBy("layer").collectAsList()) {
      assertThat(r.<Long>getAs("tokens")).isEqualTo(tokens);
      assertThat(r.<Long>getAs("assignments")).isEqualTo(2 * tokens);
      assertThat(r.getList(r.fieldIndex("counts"))).hasSize(8);
      assertThat(r.<Long>getAs("dead_experts")).isZero();
      assertThat(d(r, "drop_rate")).isZero();
    }
    assertThat(load.where(col("layer").equalTo(0)).count()).isOne();
  }
}
