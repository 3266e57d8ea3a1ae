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
    // top-1 with the raw gate (Switch Transformer): the router learns from the LM loss too
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("model.experts=8",
        "model.top-k=1", "model.normalize-gates=false", "model.z-coef=0", "train.steps=40",
        "train.eval-every=40", "train.checkpoint-every=40"));
    all.addAll(java.util.List.of(sets));
    TinyTraining.trainer(spark, TinyTraining.config(all.toArray(new String[0])), d).run(false);
    return Tables.read(spark, d.resolve("out").toString(), "expert_load", TinyTraining.RUN)
        .where(col("step").gt(30))
        .groupBy("layer", "expert").agg(sum("tokens").as("t"))
        .groupBy("layer").agg(max("t").divide(avg("t")).as("r"))
        .agg(max("r")).first().getDouble(0);
  }

  @Test
  void aHighLrRouterCollapsesWithoutTheAuxLossAndStaysBalancedWithIt() {
    double collapsed = maxOverMean("noaux", "model.aux-coef=0", "train.router-lr-scale=30");
    double balanced = maxOverMean("aux", "model.aux-coef=0.1", "train.router-lr-scale=30");
    System.out.printf("max/mean load: no aux %.2f, aux %.2f%n", collapsed, balanced);
    assertThat(collapsed).as("max/mean load without aux loss").isGreaterThan(3.0);
    assertThat(balanced).as("max/mean load with aux loss").isLessThan(1.5);
  }
}
