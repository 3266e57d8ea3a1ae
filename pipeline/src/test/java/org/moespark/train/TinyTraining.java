package org.moespark.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;
import org.moespark.model.ModelConfig;

/** A tiny model on synthetic sequences with learnable structure, for trainer tests. */
final class TinyTraining {
  static final String RUN = "t";

  private TinyTraining() {}

  static PipelineConfig config(String... sets) {
    List<String> all = new ArrayList<>(List.of(
        "tokenizer.vocab-size=300", "tokenizer.seq-len=16", "model.d-model=32", "model.heads=2",
        "model.layers=2", "model.ffn-hidden=32", "model.experts=4", "model.top-k=2",
        "train.batch-size=4", "train.steps=12", "train.warmup-steps=2", "train.lr=1e-2",
        "train.log-every=4", "train.eval-every=6", "train.eval-batches=2",
        "train.checkpoint-every=4", "train.keep-checkpoints=3"));
    all.addAll(List.of(sets));
    return PipelineConfig.load(null, all);
  }

  /** Sequences where token t+1 = (a·t + b) mod 300 within a sequence: a pattern an LM can learn. */
  static int[][] sequences(int n, int seqLen, long seed) {
    Random r = new Random(seed);
    int[][] s = new int[n][seqLen + 1];
    for (int i = 0; i < n; i++) {
      int a = 1 + r.nextInt(3);
      s[i][0] = r.nextInt(300);
      for (int t = 1; t <= seqLen; t++) {
        s[i][t] = (a * s[i][t - 1] + 7) % 300;
      }
    }
    return s;
  }

  static Trainer trainer(SparkSession spark, PipelineConfig cfg, Path dir) {
    return trainer(spark, cfg, cfg.model(), dir);
  }

  /** The trainer of variant {@code model} (the config's model or its dense twin). */
  static Trainer trainer(SparkSession spark, PipelineConfig cfg, ModelConfig model, Path dir) {
    String out = dir.resolve("out").toString();
    String variant = TrainStage.variantName(model);
    CheckpointStore store = new CheckpointStore(TrainStage.checkpointDir(out, RUN, variant),
        cfg.train().keepCheckpoints(), new Configuration());
    return new Trainer(cfg, model, variant, TrainingData.of(sequences(64, cfg.model().seqLen(), 1)),
        eval(cfg), store, new TrainLog(spark, out, RUN, variant), "none");
  }

  /** The validation sequences every tiny trainer evaluates. */
  static int[][] eval(PipelineConfig cfg) {
    return sequences(16, cfg.model().seqLen(), 2);
  }
}
