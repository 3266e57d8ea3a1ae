package org.moespark.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;
import org.moespark.model.ModelConfig;
import org.moespark.spark.Tables;
import org.moespark.tokenizer.Sequences;
import org.moespark.tokenizer.TokenizerJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train stage on the local engine: reads the run's {@code sequences/} one checkpoint interval
 * at a time, trains the MoE (and, with {@code compareDense}, its dense twin of equal active compute on the same data
 * and budget), checkpoints under {@code <out>/checkpoints/run_id=<id>/variant=<v>/} and writes
 * {@code metrics/} and {@code expert_load/}.
 */
public final class TrainStage {
  private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);
  public static final String MOE = "moe";
  public static final String DENSE = "dense";

  private TrainStage() {}

  public static List<TrainLoop.Result> run(SparkSession spark, PipelineConfig cfg, String out,
      String runId, boolean resume, boolean compareDense) {
    if (cfg.train().engine() != TrainConfig.Engine.LOCAL) {
      throw new IllegalArgumentException("train.engine = " + cfg.train().engine().name().toLowerCase()
          + " runs through its own stage (SparkTrainStage, or a TrainEngine), not the local stage");
    }
    spark.sparkContext().setJobDescription("moe-spark train: count sequences/ of run " + runId);
    SequenceTable train = new SequenceTable(spark, out, runId, "train", cfg.model());
    if (train.size() == 0) {
      throw new IllegalArgumentException("no train sequences under " + Tables.path(out, "sequences")
          + " for run " + runId + "; run `moe-spark tokenize --run-id " + runId + "` first");
    }
    Sequences validation = Sequences.of(evalSet(spark, cfg, out, runId).iterator());
    int[][] eval = evalTokens(validation, cfg.model());
    LOG.info("train run {}: {} train sequences of {} tokens, read one checkpoint interval at a time;"
        + " {} validation sequences evaluated", runId, train.size(), cfg.model().seqLen(), eval.length);
    String tokenizerHash = tokenizerHash(spark, out, runId);
    List<TrainLoop.Result> results = new ArrayList<>();
    for (ModelConfig m : variants(cfg, compareDense)) {
      String variant = variantName(m);
      CheckpointStore store = new CheckpointStore(checkpointDir(out, runId, variant),
          cfg.train().keepCheckpoints(), spark.sparkContext().hadoopConfiguration());
      TrainLog log = new TrainLog(spark, out, runId, variant)
          .sampleRoutingFrom(validation, cfg.train().batchSize());
      TrainLoop.Result r = new Trainer(cfg, m, variant, train, eval, store, log, tokenizerHash).run(resume);
      results.add(logResult(runId, r));
    }
    return results;
  }

  /** The model, then its dense twin (equal active compute) when asked and the model is an MoE. */
  public static List<ModelConfig> variants(PipelineConfig cfg, boolean compareDense) {
    List<ModelConfig> variants = new ArrayList<>(List.of(cfg.model()));
    if (compareDense && !cfg.model().dense()) {
      variants.add(cfg.model().asDense());
    }
    return variants;
  }

  public static String variantName(ModelConfig m) {
    return m.dense() ? DENSE : MOE;
  }

  public static TrainLoop.Result logResult(String runId, TrainLoop.Result r) {
    LOG.info(String.format("train run %s %s: %d steps in %.0f s, train ce %.4f, curve validation ce %.4f "
            + "(the fixed eval batches; unigram entropy %.4f), %d steps skipped", runId, r.variant(), r.steps(), r.seconds(),
        r.lastTrainCe(), r.lastValidationCe(), r.unigramEntropy(), r.skippedSteps()));
    return r;
  }

  /**
   * The fixed validation set: the first {@code eval-batches} global batches of the validation
   * split (also the routing sample), so the driver holds a bounded part of the corpus.
   */
  public static List<Row> evalSet(SparkSession spark, PipelineConfig cfg, String out, String runId) {
    TrainConfig tc = cfg.train();
    return new SequenceTable(spark, out, runId, "validation", cfg.model())
        .head(tc.evalBatches() * tc.batchSize());
  }

  public static int[][] evalTokens(Sequences s, ModelConfig model) {
    int[][] seqs = new int[s.size()][];
    for (int i = 0; i < s.size(); i++) {
      seqs[i] = SequenceTable.checked(s.tokens(i), model);
    }
    return seqs;
  }

  public static String checkpointDir(String out, String runId, String variant) {
    return Tables.path(out, "checkpoints") + "/" + Tables.RUN_ID + "=" + runId + "/variant=" + variant;
  }

  /** SHA-256 of the run's tokenizer.json, recorded in checkpoints ("none" when absent). */
  public static String tokenizerHash(SparkSession spark, String out, String runId) {
    Path p = new Path(TokenizerJson.path(out, runId));
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        return "none";
      }
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (InputStream in = fs.open(p)) {
        md.update(in.readAllBytes());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
