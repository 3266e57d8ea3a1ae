package org.moespark.train;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.config.PipelineConfig;
import org.moespark.tokenizer.TwoLanguageDocs;
import org.moespark.spark.LocalSpark;
import org.moespark.spark.Tables;
import org.moespark.tokenizer.Sequences;
import org.moespark.tokenizer.TokenizeStage;

/** Issue 18 item 1: validation CE over every validation sequence, per language and domain. */
class FinalValidationTest {
  @TempDir Path dir;

  @Test
  void everyValidationSequenceIsScoredPerLanguageAndDomainForMoeAndDenseAndASampleCoversEveryLabel() {
    SparkSession spark = LocalSpark.get();
    String out = dir.resolve("out").toString();
    // batch size 1 and enough eval batches: the curves' last point is the mean over every
    // validation sequence, which the final scoring must reproduce
    PipelineConfig cfg = PipelineConfig.load(null, List.of("tokenizer.vocab-size=300",
        "tokenizer.seq-len=16", "tokenizer.validation-fraction=0.3", "model.d-model=32",
        "model.heads=2", "model.layers=2", "model.ffn-hidden=32", "model.experts=4", "model.top-k=2",
        "train.batch-size=1", "train.steps=4", "train.eval-every=4", "train.eval-batches=10000",
        "train.checkpoint-every=4"));
    TokenizeStage.run(spark, cfg.tokenizer(), TwoLanguageDocs.of(spark), out, "v");
    int validation = Sequences.read(spark, out, "v", "validation").size();
    assertThat(validation).isGreaterThan(2);

    for (TrainLoop.Result trained : TrainStage.run(spark, cfg, out, "v", false, true)) {
      FinalValidation.Result r = FinalValidation.run(spark, cfg, out, "v", trained.variant());
      assertThat(r.sequences()).isEqualTo(validation);
      assertThat(r.tokens()).isEqualTo(validation * 16L);
      assertThat(r.ce()).as(trained.variant()).isCloseTo(trained.lastValidationCe(), within(1e-5));
      assertThat(r.byLang()).containsOnlyKeys("en", "ru");
      assertThat(r.byDomain()).containsOnlyKeys("prose", "docs");
      double recombined = (r.byLang().get("en")[0] * r.byLang().get("en")[1]
          + r.byLang().get("ru")[0] * r.byLang().get("ru")[1]) / (r.byLang().get("en")[1] + r.byLang().get("ru")[1]);
      long labelled = (long) (r.byLang().get("en")[1] + r.byLang().get("ru")[1]);
      if (labelled == r.tokens()) {
        assertThat(recombined).isCloseTo(r.ce(), within(1e-9));
      }
      assertThat(r.summary()).startsWith(trained.variant() + ": validation ce ")
          .contains("over all " + validation + " validation sequences", "by language: ", "ru ");
    }
    assertThat(Tables.read(spark, out, "validation", "v").select("variant").distinct().count()).isEqualTo(2);

    PipelineConfig two = PipelineConfig.load(null, List.of("tokenizer.vocab-size=300",
        "tokenizer.seq-len=16", "model.d-model=32", "model.heads=2", "model.layers=2",
        "model.ffn-hidden=32", "model.experts=4", "model.top-k=2", "train.validation-sequences=2"));
    FinalValidation.Result sample = FinalValidation.run(spark, two, out, "v", "moe");
    assertThat(sample.sampled()).isTrue();
    assertThat(sample.sequences()).isEqualTo(2);
    assertThat(sample.byLang()).as("every language is in the sample").containsOnlyKeys("en", "ru");
    assertThat(Tables.read(spark, out, "validation", "v").where(col("variant").equalTo("moe"))
        .select("seq_index").distinct().count()).isEqualTo(2);
  }
}
