package org.moespark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.spark.LocalSpark;
import org.moespark.spark.Tables;

/** Router collapse without the Switch loss, and balance with it, read from expert_load/. */
class LoadBalanceTrainingTest {
  static SparkSession spark;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = LocalSpark.get();
  }

  /** max/mean expert load over the last 10 steps, worst layer. */
  double maxOverMean(String name, String... sets) {
    Path d = dir.resolve(name);
    // top-1 with the raw gate (Switch Transformer): the router learns from the LM loss too.
    // 16 sequences a step, so the window holds 2,560 routed tokens per layer: with a batch of 4
    // the window's own sampling noise (clumped sequences, ~80 tokens per expert) moved max/mean
    // by ±0.5 from seed to seed and hid what the aux loss does.
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("model.experts=8",
        "model.top-k=1", "model.normalize-gates=false", "model.z-coef=0", "train.steps=40",
        "train.batch-size=16", "train.router-lr-scale=30", "train.eval-every=40",
        "train.checkpoint-every=40"));
    all.addAll(java.util.List.of(sets));
    TinyTraining.trainer(spark, TinyTraining.config(all.toArray(new String[0])), d).run(false);
    return Tables.read(spark, d.resolve("out").toString(), "expert_load", TinyTraining.RUN)
        .where(col("step").gt(30))
        .groupBy("layer", "expert").agg(sum("tokens").as("t"))
        .groupBy("layer").agg(max("t").divide(avg("t")).as("r"))
        .agg(max("r")).first().getDouble(0);
  }

  /*
   * A 40-step trajectory with a 30x router learning rate is chaotic: the BLAS kernel the CPU
   * picks changes its rounding, and that alone moves one run's max/mean by up to 0.25 (the old
   * single-run test read 1.54 on an AVX2 EPYC, 1.33 on an AVX-512 Xeon), so no bound on one
   * trajectory is portable. The property is asserted on three seeds, on medians, with bounds away
   * from what any kernel gave. Measured with the per-(slot, expert) init (seeds 1/2/3, no aux |
   * aux), OpenBLAS core types: Prescott (this Xeon's default) 1.94/2.67/1.90 | 1.17/1.14/1.19;
   * Haswell and Zen 1.90/2.68/1.89 | 1.39/1.18/1.33; Sandybridge 1.89/2.65/1.91 | 1.22/1.15/1.31.
   *  - balanced top-1 routing of 2,560 tokens over 8 experts reads ~1.1 from sampling noise
   *    alone (worst of 2 layers); with the aux loss the median measured 1.17-1.33, bound 1.5;
   *  - without it the median measured 1.90-1.94 (full collapse is 8), bound 1.6: above the
   *    balanced bound, so an aux loss without effect fails one of the two;
   *  - on every seed the aux loss lowers max/mean (smallest measured gap 0.51).
   */
  @Test
  void aHighLrRouterCollapsesWithoutTheAuxLossAndStaysBalancedWithIt() {
    long[] seeds = {1, 2, 3};
    double[] collapsed = new double[seeds.length];
    double[] balanced = new double[seeds.length];
    for (int i = 0; i < seeds.length; i++) {
      collapsed[i] = maxOverMean("noaux" + i, "model.aux-coef=0", "train.seed=" + seeds[i]);
      balanced[i] = maxOverMean("aux" + i, "model.aux-coef=1", "train.seed=" + seeds[i]);
      System.out.printf("max/mean load, seed %d: no aux %.2f, aux %.2f%n", seeds[i], collapsed[i],
          balanced[i]);
      assertThat(balanced[i]).as("seed %d: max/mean load with the aux loss below without it", seeds[i])
          .isLessThan(collapsed[i]);
    }
    assertThat(median(collapsed)).as("median max/mean load without aux loss").isGreaterThan(1.6);
    assertThat(median(balanced)).as("median max/mean load with aux loss").isLessThan(1.5);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }
}
