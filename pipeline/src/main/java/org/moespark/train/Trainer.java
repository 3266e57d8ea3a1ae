package org.moespark.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.moespark.config.PipelineConfig;
import org.moespark.model.LossParts;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeStats;
import org.moespark.model.MoeTransformer;
import org.moespark.model.ParamBuffer;
import org.moespark.routing.RoutingRows;
import org.moespark.routing.RoutingTable;
import org.moespark.tokenizer.Sequences;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local training loop of one model variant: batches → forward/backward (with gradient
 * accumulation) → NaN/Inf guard → clip → AdamW with the cosine schedule → DeepSeek bias update;
 * validation, checkpoints and the metrics/expert_load rows on their schedules. Deterministic for
 * a seed; a run resumed from a checkpoint continues bit-identically on CPU.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  /** Config sections that must equal the checkpoint's to resume (train.steps etc. may change). */
  static final Predicate<String> MUST_MATCH = k -> k.startsWith("model.") || k.startsWith("tokenizer.")
      || k.equals("train.seed") || k.equals("train.batch-size") || k.equals("train.grad-accum");
  static final Predicate<ParamBuffer.Slot> ROUTER_SLOT = s -> s.name().endsWith(".moe.router");
  public static final Predicate<ParamBuffer.Slot> EXPERT_SLOT =
      s -> s.name().endsWith(".moe.w13") || s.name().endsWith(".moe.w2");

  /** What a finished run reports. */
  public record Result(String variant, long steps, long skippedSteps, long tokensSeen,
      double lastTrainCe, double lastValidationCe, double unigramEntropy, double seconds) {}

  private final PipelineConfig cfg;
  private final ModelConfig modelCfg;
  private final TrainConfig tc;
  private final String variant;
  private final int[][] train;
  private final int[][] validation;
  private final CheckpointStore store;
  private final TrainLog log;
  private final String tokenizerHash;
  private Set<Long> injectNanAt = Set.of();
  private Sequences sampleSource;
  private INDArray finalParams;

  Trainer(PipelineConfig cfg, ModelConfig modelCfg, String variant, int[][] train,
      int[][] validation, CheckpointStore store, TrainLog log, String tokenizerHash) {
    this.cfg = cfg;
    this.modelCfg = modelCfg;
    this.tc = cfg.train();
    this.variant = variant;
    this.train = train;
    this.validation = validation;
    this.store = store;
    this.log = log;
    this.tokenizerHash = tokenizerHash;
  }

  /**
   * Logs, every {@code train.route-sample-every} steps, the routing of the first batch of
   * {@code labelled} (the validation split with its document labels) as split train-sample.
   */
  Trainer sampleRoutingFrom(Sequences labelled) {
    this.sampleSource = labelled;
    return this;
  }

  /** Fault injection for tests: the gradient becomes NaN at these (1-based) steps. */
  Trainer injectNanAt(Set<Long> steps) {
    this.injectNanAt = Set.copyOf(steps);
    return this;
  }

  Result run(boolean resume) {
    long t0 = System.nanoTime();
    MoeTransformer model = MoeTransformer.create(modelCfg, DataType.FLOAT, tc.seed());
    ParamBuffer pb = model.params();
    AdamW adam = new AdamW(pb, tc).scaleLr(ROUTER_SLOT, tc.routerLrScale());
    CosineSchedule schedule = CosineSchedule.of(tc);
    BatchStream stream = new BatchStream(train, tc.batchSize(), tc.seed() + 1);
    Map<String, String> flatConfig = flatten(cfg);
    long step = 0;
    long tokensSeen = 0;
    long skipped = 0;
    java.util.Optional<CheckpointManifest> latest = resume ? store.latest() : java.util.Optional.empty();
    if (latest.isPresent()) {
      CheckpointManifest m = latest.get();
      Map<String, String> diff = CheckpointStore.configDiff(m.config(), flatConfig, MUST_MATCH);
      if (!diff.isEmpty()) {
        throw new IllegalArgumentException("cannot resume " + variant + " from checkpoint step "
            + m.step() + ": its config differs in " + diff + "; start a new --run-id or restore these values");
      }
      store.load(m, pb, Map.of("adam.m", adam.firstMoment(), "adam.v", adam.secondMoment()), EXPERT_SLOT);
      adam.restoreSteps(m.rngState().get("adam.t"));
      stream.seek(m.dataPosition());
      step = m.step();
      tokensSeen = m.tokensSeen();
      skipped = m.rngState().get("skipped");
      log.restoreUpTo(step);
      LOG.info("{}: resumed from checkpoint step {} ({} tokens seen)", variant, step, tokensSeen);
    } else if (resume) {
      LOG.info("{}: --resume given but no checkpoint yet; starting from step 0", variant);
    }

    int tokensPerStep = tc.batchSize() * tc.gradAccum() * modelCfg.seqLen();
    double unigram = Evaluation.unigramEntropy(validation);
    int badRun = 0;
    double lastCe = Double.NaN;
    double lastVal = Double.NaN;
    long windowStart = System.nanoTime();
    int windowSteps = 0;
    int[] moeLayers = model.moeLayers();
    INDArray[] bias = new INDArray[moeLayers.length];
    for (int i = 0; i < moeLayers.length; i++) {
      bias[i] = pb.view(MoeTransformer.moePrefix(moeLayers[i]) + MoeTransformer.EXPERT_BIAS);
    }
    while (step < tc.steps()) {
      model.zeroGrads();
      StepStats stats = new StepStats(moeLayers.length, modelCfg.experts());
      for (int a = 0; a < tc.gradAccum(); a++) {
        LossParts lp = model.forward(stream.next(), true);
        model.backward();
        stats.add(lp, model.moeStats());
      }
      INDArray grads = pb.grads();
      if (tc.gradAccum() > 1) {
        grads.muli(1.0 / tc.gradAccum());
      }
      if (injectNanAt.contains(step + 1)) {
        grads.putScalar(0, Float.NaN);
      }
      double gradNorm = GradClip.clip(grads, tc.clipNorm());
      double lr = schedule.at((int) step);
      step++;
      tokensSeen += tokensPerStep;
      LossParts lp = stats.mean(tc.gradAccum());
      if (!Double.isFinite(lp.total()) || !Double.isFinite(gradNorm)) {
        skipped++;
        badRun++;
        LOG.warn("{} step {}: non-finite {} (loss {}, grad norm {}); step skipped ({} in a row, {} in all)",
            variant, step, Double.isFinite(lp.total()) ? "gradient" : "loss", lp.total(), gradNorm,
            badRun, skipped);
        if (badRun >= tc.maxBadSteps()) {
          throw new TrainingDivergedException(variant, step, badRun, store.completeSteps());
        }
        continue;
      }
      badRun = 0;
      adam.step(lr);
      model.updateExpertBias(java.util.Arrays.asList(stats.load));
      lastCe = lp.ce();
      windowSteps++;
      double secs = (System.nanoTime() - windowStart) / 1e9;
      double tokPerS = windowSteps * (double) tokensPerStep / Math.max(secs, 1e-9);
      double[] worst = stats.worstMaxMeanLoad();
      log.metric(step, "train", tokensSeen, lp.total(), lp.ce(), lp.aux(), lp.seqAux(), lp.z(), lr,
          gradNorm, tokPerS, stats.droppedFraction(), worst[0], skipped);
      for (int i = 0; i < moeLayers.length; i++) {
        for (int e = 0; e < modelCfg.experts(); e++) {
          log.load(step, moeLayers[i], e, stats.load[i][e], stats.dropped[i][e],
              stats.meanGate(i, e, tc.gradAccum()), bias[i].getDouble(e));
        }
      }
      if (step % tc.logEvery() == 0 || step == tc.steps()) {
        double eta = (tc.steps() - step) * tokensPerStep / Math.max(tokPerS, 1e-9);
        LOG.info(String.format("%s step %d/%d | loss %.4f ce %.4f aux %.4f z %.4f | lr %.2e | gnorm %.3f"
                + " | %,.0f tok/s | ETA %s | dropped %.2f%% | max/mean load %.2f (layer %d)",
            variant, step, tc.steps(), lp.total(), lp.ce(), lp.aux(), lp.z(), lr, gradNorm, tokPerS,
            Evaluation.duration(eta), 100 * stats.droppedFraction(), worst[0],
            moeLayers.length == 0 ? -1 : moeLayers[(int) worst[1]]));
        windowStart = System.nanoTime();
        windowSteps = 0;
      }
      if (step % tc.evalEvery() == 0 || step == tc.steps()) {
        lastVal = Evaluation.validationCe(model, validation, tc.batchSize(), tc.evalBatches());
        if (!Double.isNaN(lastVal)) {
          log.metric(step, "validation", tokensSeen, lastVal, lastVal, 0, 0, 0, lr, 0, 0, 0, 0, skipped);
          LOG.info(String.format("%s step %d validation ce %.4f nats (unigram entropy of validation"
              + " tokens %.4f, perplexity %.1f)", variant, step, lastVal, unigram, Math.exp(lastVal)));
        }
      }
      if (sampleSource != null && tc.routeSampleEvery() > 0 && moeLayers.length > 0
          && (step % tc.routeSampleEvery() == 0 || step == tc.steps())) {
        sampleRouting(model, step);
      }
      if (step % tc.checkpointEvery() == 0 || step == tc.steps()) {
        // Tables first: a checkpoint then always has its rows on disk (resume keeps rows <= step).
        log.flush();
        Map<String, Long> rng = new LinkedHashMap<>();
        rng.put("adam.t", adam.steps());
        rng.put("skipped", skipped);
        store.save(new CheckpointManifest(CheckpointManifest.FORMAT, step, tokensSeen,
                stream.position(), rng, flatConfig, tokenizerHash, List.of("adam.m", "adam.v"),
                pb.slots().stream().filter(EXPERT_SLOT).map(ParamBuffer.Slot::name).toList(),
                modelCfg.experts(), pb.dataType().name()),
            pb, Map.of("adam.m", adam.firstMoment(), "adam.v", adam.secondMoment()), EXPERT_SLOT);
      }
    }
    this.finalParams = pb.params();
    return new Result(variant, step, skipped, tokensSeen, lastCe, lastVal, unigram,
        (System.nanoTime() - t0) / 1e9);
  }

  private void sampleRouting(MoeTransformer model, long step) {
    int n = Math.min(tc.batchSize(), sampleSource.size());
    if (n == 0) {
      return;
    }
    int[][] tokens = new int[n][];
    Sequences.TokenLabels[] labels = new Sequences.TokenLabels[n];
    for (int i = 0; i < n; i++) {
      tokens[i] = sampleSource.tokens(i);
      labels[i] = sampleSource.labels(i);
    }
    model.forward(tokens, false);
    RoutingRows.add(log.routing(), step, RoutingTable.TRAIN_SAMPLE, tokens, labels, model);
  }

  /** The parameters at the end of the last {@link #run} (for tests comparing runs). */
  INDArray finalParams() {
    return finalParams;
  }

  static Map<String, String> flatten(PipelineConfig cfg) {
    Map<String, String> m = new java.util.TreeMap<>();
    cfg.raw().entrySet().forEach(e -> m.put(e.getKey(), String.valueOf(e.getValue().unwrapped())));
    return m;
  }
}
