package org.moespark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.config.PipelineConfig;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeTransformer;
import org.moespark.routing.RoutingTable;
import org.moespark.routing.SyntheticRouting;
import org.moespark.spark.Sessions;
import org.moespark.spark.Tables;
import org.moespark.train.CheckpointManifest;
import org.moespark.train.CheckpointStore;
import org.moespark.train.TrainStage;
import org.nd4j.linalg.api.buffer.DataType;

/** Issue 18 item 6: analyze and report take experts and top-k from the run's checkpoint. */
class ModelFromTheRunTest {
  @Test
  void aThirtyTwoExpertTopFourRunIsAnalysedOverThirtyTwoExpertsAndAContradictingSetIsRefused(
      @TempDir Path dir) {
    SparkSession spark = Sessions.create("model-from-the-run-test", "local[2]");
    String out = dir.toString();
    PipelineConfig cfg = PipelineConfig.load(null, List.of("model.experts=32", "model.top-k=4",
        "model.layers=2", "model.d-model=8", "model.heads=2", "model.ffn-hidden=4"));
    ModelConfig model = cfg.model();
    new CheckpointStore(TrainStage.checkpointDir(out, "big", TrainStage.MOE), 1, new Configuration())
        .save(CheckpointManifest.of(model, DataType.FLOAT, 1, 0, 0, Map.of(), cfg.flat(), "none", List.of()),
            MoeTransformer.layout(model).allocate(DataType.FLOAT), Map.of());
    RoutingTable.write(new SyntheticRouting(3, 2, 32, 4, 2048, 300).generate(spark, 20_000, "validation", 1),
        out, "big");
    String[] fast = {"--set", "analysis.permutations=19", "--set", "analysis.bootstrap=19"};

    for (String stage : List.of("report", "analyze")) {
      MoeSparkTest.Run refused = MoeSparkTest.run(stage, "--out", out, "--run-id", "big",
          "--master", "local[2]", "--set", "model.experts=8");
      assertThat(refused.code()).as(stage + ": " + refused.err()).isEqualTo(2);
      assertThat(refused.err()).contains("model.experts = 8 (from --conf/--set) contradicts run big",
          "model.experts = 32", "remove model.experts from --conf/--set");
    }

    MoeSparkTest.Run report = MoeSparkTest.run("report", "--out", out, "--master", "local[2]", fast[0],
        fast[1], fast[2], fast[3]);
    assertThat(report.code()).as(report.err()).isZero();
    // the command stopped the shared session when it finished
    List<Row> spec = Tables.read(Sessions.create("model-from-the-run-test", "local[2]"), out, "analysis/specialization", "big")
        .selectExpr("count(distinct expert)", "min(uniform)", "max(uniform)").collectAsList();
    assertThat(spec.get(0).getLong(0)).isEqualTo(32);
    assertThat(spec.get(0).getDouble(1)).isEqualTo(4.0 / 32);
    assertThat(spec.get(0).getDouble(2)).isEqualTo(4.0 / 32);

    MoeSparkTest.Run analyze = MoeSparkTest.run("analyze", "--out", out, "--run-id", "big",
        "--master", "local[2]", fast[0], fast[1], fast[2], fast[3], "--set", "model.top-k=4");
    assertThat(analyze.code()).as(analyze.err()).isZero();
    assertThat(analyze.out()).contains("analyze: 32 experts, top-4, MoE layers [0, 1] (from the run)");
  }
}
