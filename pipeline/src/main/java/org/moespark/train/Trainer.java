package org.moespark.train;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.moespark.config.PipelineConfig;
import org.moespark.dist.Collective;
import org.moespark.dist.ExpertGrid;
import org.moespark.model.ModelConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local engine: the {@link TrainLoop} on one rank in this JVM, fed one checkpoint interval at
 * a time (only the rows an interval needs are read). Deterministic for a seed; a run resumed from
 * a checkpoint continues bit-identically on CPU.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private final PipelineConfig cfg;
  private final ModelConfig modelCfg;
  private final String variant;
  private final TrainingData train;
  private final int[][] evalSequences;
  private final CheckpointStore store;
  private final TrainLog log;
  private final String tokenizerHash;
  private Set<Long> injectNanAt = Set.of();
  private INDArray finalParams;

  Trainer(PipelineConfig cfg, ModelConfig modelCfg, String variant, TrainingData train,
      int[][] evalSequences, CheckpointStore store, TrainLog log, String tokenizerHash) {
    this.cfg = cfg;
    this.modelCfg = modelCfg;
    this.variant = variant;
    this.train = train;
    this.evalSequences = evalSequences;
    this.store = store;
    this.log = log;
    this.tokenizerHash = tokenizerHash;
  }

  /** Fault injection for tests: the gradient becomes NaN at these (1-based) steps. */
  Trainer injectNanAt(Set<Long> steps) {
    this.injectNanAt = Set.copyOf(steps);
    return this;
  }

  /** Trains to {@code train.steps}; with {@code resume}, from the newest complete checkpoint. */
  TrainLoop.Result run(boolean resume) {
    TrainConfig tc = cfg.train();
    TrainLoop loop = new TrainLoop(cfg, modelCfg, variant, ExpertGrid.of(Collective.single(), 1), store, log,
        evalSequences, tokenizerHash).injectNanAt(injectNanAt);
    Optional<CheckpointManifest> latest = resume ? store.latest() : Optional.empty();
    if (resume && latest.isEmpty()) {
      LOG.info("{}: --resume given but no checkpoint yet; starting from step 0", variant);
    }
    long step = loop.restore(latest);
    if (latest.isPresent()) {
      log.restoreUpTo(step);
    }
    BatchPlan plan = BatchPlan.of(tc, train.size());
    while (step < tc.steps()) {
      long until = Intervals.end(step, tc);
      loop.train(until, plan, prefetch(plan, step, until, tc.gradAccum()));
      step = until;
    }
    finalParams = loop.params();
    return loop.result();
  }

  /** The rows of steps (from, until]: one read per interval instead of one per batch. */
  private TrainingData prefetch(BatchPlan plan, long from, long until, int accum) {
    long[] wanted = plan.needed(from * accum, until * accum, 0, 1);
    int[][] rows = train.read(wanted);
    Map<Long, int[]> byIndex = new HashMap<>();
    for (int i = 0; i < wanted.length; i++) {
      byIndex.put(wanted[i], rows[i]);
    }
    return TrainingData.of(train.size(), byIndex);
  }

  /** The parameters at the end of the last {@link #run} (for tests comparing runs). */
  INDArray finalParams() {
    return finalParams;
  }
}
