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
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;
import org.moespark.model.ModelConfig;
import org.moespark.spark.Tables;
import org.moespark.tokenizer.Sequences;
import org.moespark.tokenizer.TokenizerJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train stage on the local engine: reads the run's {@code sequences/} to the driver, trains
 * the MoE (and, with {@code compareDense}, its dense twin of equal active compute on the same data
 * and budget), checkpoints under {@code <out>/checkpoints/run_id=<id>/variant=<v>/} and writes
 * {@code metrics/} and {@code expert_load/}.
 */
public final class TrainStage {
  private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);
  public static final String MOE = "moe";
  public static final String DENSE = "dense";

  private TrainStage() {}

  public static List<Trainer.Result> run(SparkSession spark, PipelineConfig cfg, String out,
      String runId, boolean resume, boolean compareDense) {
    if (cfg.train().engine() != TrainConfig.Engine.LOCAL) {
      throw new IllegalArgumentException("train.engine = " + cfg.train().engine().name().toLowerCase()
          + " is not available yet; use train.engine = local");
    }
    spark.sparkContext().setJobDescription("moe-spark train: read sequences/ of run " + runId);
    int[][] train = tokens(read(spark, out, runId, "train"), cfg.model());
    Sequences validationSeqs = read(spark, out, runId, "validation");
    int[][] validation = tokens(validationSeqs, cfg.model());
    LOG.info("train run {}: {} train and {} validation sequences of {} tokens", runId, train.length,
        validation.length, cfg.model().seqLen());
    String tokenizerHash = tokenizerHash(spark, out, runId);
    List<Trainer.Result> results = new ArrayList<>();
    List<ModelConfig> variants = new ArrayList<>(List.of(cfg.model()));
    if (compareDense && !cfg.model().dense()) {
      variants.add(cfg.model().asDense());
    }
    for (ModelConfig m : variants) {
      String variant = m.dense() ? DENSE : MOE;
      CheckpointStore store = new CheckpointStore(checkpointDir(out, runId, variant),
          cfg.train().keepCheckpoints(), spark.sparkContext().hadoopConfiguration());
      TrainLog log = new TrainLog(spark, out, runId, variant);
      Trainer.Result r = new Trainer(cfg, m, variant, train, validation, store, log, tokenizerHash)
          .sampleRoutingFrom(validationSeqs).run(resume);
      LOG.info(String.format("train run %s %s: %d steps in %.0f s, train ce %.4f, validation ce %.4f "
              + "(unigram entropy %.4f), %d steps skipped", runId, variant, r.steps(), r.seconds(),
          r.lastTrainCe(), r.lastValidationCe(), r.unigramEntropy(), r.skippedSteps()));
      results.add(r);
    }
    return results;
  }

  public static String checkpointDir(String out, String runId, String variant) {
    return Tables.path(out, "checkpoints") + "/" + Tables.RUN_ID + "=" + runId + "/variant=" + variant;
  }

  private static Sequences read(SparkSession spark, String out, String runId, String split) {
    Sequences s = Sequences.read(spark, out, runId, split);
    if (split.equals("train") && s.size() == 0) {
      throw new IllegalArgumentException("no train sequences under " + Tables.path(out, "sequences")
          + " for run " + runId + "; run `moe-spark tokenize --run-id " + runId + "` first");
    }
    return s;
  }

  private static int[][] tokens(Sequences s, ModelConfig model) {
    int[][] seqs = new int[s.size()][];
    for (int i = 0; i < s.size(); i++) {
      seqs[i] = s.tokens(i);
      if (seqs[i].length != model.seqLen() + 1) {
        throw new IllegalArgumentException("sequences/ hold " + seqs[i].length
            + " tokens per sequence but model.seq-len + 1 = " + (model.seqLen() + 1)
            + "; rerun tokenize with tokenizer.seq-len = " + model.seqLen());
      }
      for (int id : seqs[i]) {
        if (id >= model.vocabSize()) {
          throw new IllegalArgumentException("sequences/ hold token id " + id
              + " >= model.vocab-size = " + model.vocabSize() + "; set model.vocab-size to the tokenizer's");
        }
      }
    }
    return seqs;
  }

  /** SHA-256 of the run's tokenizer.json, recorded in checkpoints ("none" when absent). */
  private static String tokenizerHash(SparkSession spark, String out, String runId) {
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
