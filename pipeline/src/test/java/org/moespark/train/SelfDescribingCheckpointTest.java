package org.moespark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.config.PipelineConfig;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeTransformer;
import org.moespark.model.ParamBuffer;
import org.moespark.spark.LocalSpark;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Issue 18 item 5: a checkpoint loads from its manifest's tensor list alone. */
class SelfDescribingCheckpointTest {
  static SparkSession spark;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = LocalSpark.get();
  }

  @Test
  void moeAndDenseTwinLoadByNameFromTheManifestAloneAndReproduceTheReportedValidationCe()
      throws Exception {
    PipelineConfig cfg = TinyTraining.config("train.checkpoint-every=12");
    for (ModelConfig variant : TrainStage.variants(cfg, true)) {
      TrainLoop.Result r = TinyTraining.trainer(spark, cfg, variant, dir).run(false);
      Path ckpt = Path.of(TrainStage.checkpointDir(dir.resolve("out").toString(), TinyTraining.RUN,
          r.variant())).resolve("step-000000012");
      ManifestOnlyReader reader = new ManifestOnlyReader(ckpt);
      JsonNode model = reader.manifest.get("model");
      if (variant.dense()) {
        assertThat(model.get("dense").asBoolean()).isTrue();
        assertThat(model.get("denseFfnHidden").asInt()).isEqualTo(2 * 32);   // top-k × ffn-hidden
        assertThat(model.get("experts").asInt()).isZero();
        assertThat(model.get("moeLayers")).isEmpty();
        assertThat(reader.manifest.get("config").get("model.dense").asText()).isEqualTo("true");
      } else {
        assertThat(model.get("dense").asBoolean()).isFalse();
        assertThat(model.get("experts").asInt()).isEqualTo(4);
        assertThat(model.get("topK").asInt()).isEqualTo(2);
        assertThat(model.get("moeLayers").toString()).isEqualTo("[0,1]");
      }

      Map<String, String> config = new TreeMap<>();
      reader.manifest.get("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
      ModelConfig saved = PipelineConfig.fromFlat(config).model();
      ParamBuffer pb = MoeTransformer.layout(saved).allocate(DataType.FLOAT);
      long loaded = 0;
      for (Map.Entry<String, ManifestOnlyReader.Tensor> t : reader.tensors("params").entrySet()) {
        ParamBuffer.Slot slot = pb.slot(t.getKey());
        assertThat(t.getValue().shape()).as(t.getKey()).containsExactly(slot.shape());
        assertThat(t.getValue().role()).as(t.getKey()).isEqualTo(slot.role().name());
        pb.view(t.getKey()).assign(Nd4j.createFromArray(t.getValue().values())
            .castTo(DataType.FLOAT).reshape('c', slot.shape()));
        loaded += t.getValue().values().length;
      }
      assertThat(loaded).as("every parameter is in the tensor list once").isEqualTo(pb.size());

      double[] sum = Evaluation.validationCeSum(new MoeTransformer(saved, pb, 0), TinyTraining.eval(cfg),
          cfg.train().batchSize(), cfg.train().evalBatches(), 0, 1);
      assertThat(sum[0] / sum[1]).as(r.variant() + " validation CE").isCloseTo(r.lastValidationCe(), within(1e-6));
    }
  }

  @Test
  void anExpertParallelRunsManifestDescribesTheWholeModelNotARanksShard() throws Exception {
    PipelineConfig cfg = DataParallelEquivalenceTest.config();
    InProcessRanks.Run run = InProcessRanks.train(cfg, 2, 2, dir, 0);
    ManifestOnlyReader reader = new ManifestOnlyReader(dir.resolve("step-000000010"));
    Map<String, ManifestOnlyReader.Tensor> params = reader.tensors("params");
    assertThat(params.get("h0.moe.w13").shape()).containsExactly(4, 32, 64);   // all 4 experts
    assertThat(reader.tensors("adam.v").get("h1.moe.w2").shape()).containsExactly(4, 32, 32);

    ParamBuffer pb = MoeTransformer.layout(cfg.model()).allocate(DataType.FLOAT);
    params.forEach((name, t) -> pb.view(name).assign(Nd4j.createFromArray(t.values())
        .castTo(DataType.FLOAT).reshape('c', pb.slot(name).shape())));
    assertThat(pb.params().toDoubleVector()).containsExactly(run.params());
  }
}
