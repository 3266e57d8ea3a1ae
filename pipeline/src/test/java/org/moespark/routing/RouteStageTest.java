package org.moespark.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.config.PipelineConfig;
import org.moespark.tokenizer.TwoLanguageDocs;
import org.moespark.spark.LocalSpark;
import org.moespark.spark.Tables;
import org.moespark.tokenizer.Sequences;
import org.moespark.tokenizer.TokenizeStage;
import org.moespark.train.TrainStage;

/** tokenize → train → route on a tiny two-language corpus, all through real tables. */
class RouteStageTest {
  static SparkSession spark;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    spark = LocalSpark.get();
  }

  @Test
  void routesEveryValidationTokenThroughEveryMoeLayerWithItsDocumentLabels() {
    String out = dir.resolve("out").toString();
    PipelineConfig cfg = PipelineConfig.load(null, List.of("tokenizer.vocab-size=300",
        "tokenizer.seq-len=16", "tokenizer.validation-fraction=0.3", "model.d-model=32",
        "model.heads=2", "model.layers=2", "model.ffn-hidden=32", "model.experts=4", "model.top-k=2",
        "train.batch-size=4", "train.steps=4", "train.eval-every=4", "train.checkpoint-every=4",
        "train.route-sample-every=2"));
    TokenizeStage.run(spark, cfg.tokenizer(), TwoLanguageDocs.of(spark), out, "r");
    TrainStage.run(spark, cfg, out, "r", false, false);

    RouteStage.Result r = RouteStage.run(spark, out, "r", TrainStage.checkpointDir(out, "r", "moe"),
        null, "validation", null, 3);
    Sequences val = Sequences.read(spark, out, "r", "validation");
    assertThat(val.size()).isPositive();
    // every input position (T of the T+1 tokens) of every sequence × 2 MoE layers × top-2
    assertThat(r.rows()).isEqualTo((long) val.size() * 16 * 2 * 2);
    assertThat(r.step()).isEqualTo(4);
    assertThat(r.bytesPerRow()).isPositive();

    Dataset<Row> routing = RoutingTable.read(spark, out, "r").where(col("split").equalTo("validation"));
    // sampled while training: the first 4 validation sequences at steps 2 and 4
    assertThat(RoutingTable.read(spark, out, "r").where(col("split").equalTo(RoutingTable.TRAIN_SAMPLE))
        .groupBy("step").count().orderBy("step").collectAsList())
        .extracting(x -> x.getLong(0) + ":" + x.getLong(1))
        .containsExactly("2:" + Math.min(4, val.size()) * 16 * 4, "4:" + Math.min(4, val.size()) * 16 * 4);
    assertThat(routing.where(col("expert").lt(0).or(col("expert").geq(4))).count()).isZero();
    assertThat(routing.where(col("dropped")).count()).isZero();  // dropless inference
    // labels: the first sequence's first token comes from its first segment's document
    Sequences.TokenLabels l = val.labels(0);
    Row first = routing.where(col("doc_id").equalTo(l.docId()[0])
        .and(col("position").equalTo(l.position()[0])).and(col("layer").equalTo(0))
        .and(col("rank").equalTo(0))).first();
    assertThat(first.<String>getAs("lang")).isEqualTo(l.lang()[0]);
    assertThat(first.<Integer>getAs("token_id")).isEqualTo(val.tokens(0)[0]);
    // normalised top-2 gates of a (token, layer) sum to 1 (up to the stored 1/255 quantisation)
    List<Row> sums = routing.groupBy("doc_id", "position", "layer").agg(
        org.apache.spark.sql.functions.sum("gate").as("s")).collectAsList();
    assertThat(sums).allSatisfy(s -> assertThat(s.getDouble(s.fieldIndex("s"))).isBetween(0.99, 1.01));
    assertThat(Tables.schema("routing").fieldNames()).containsExactly(routing.columns());
  }
}
