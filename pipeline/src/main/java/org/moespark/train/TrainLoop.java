package org.moespark.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.moespark.config.PipelineConfig;
import org.moespark.dist.Collective;
import org.moespark.dist.ExpertGrid;
import org.moespark.model.LossParts;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeTransformer;
import org.moespark.model.ParamBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop of one model variant on one rank, shared by every engine (no Spark here):
 * this rank's slice of each global micro-batch → forward/backward (with gradient accumulation) →
 * gradients and router statistics summed over the data-parallel group → NaN/Inf guard → clip →
 * AdamW with the cosine schedule → DeepSeek bias update; validation, routing samples, checkpoints
 * and the metrics/expert_load rows on their schedules. With one rank it is the local engine.
 * Deterministic for a seed and a world size; with W ranks it computes what one rank computes on
 * the whole global batch (up to the order of floating-point sums).
 */
public final class TrainLoop {
  private static final Logger LOG = LoggerFactory.getLogger(TrainLoop.class);
  /** Config sections that must equal the checkpoint's to resume (train.steps, workers etc. may change). */
  static final Predicate<String> MUST_MATCH = k -> k.startsWith("model.") || k.startsWith("tokenizer.")
      || k.equals("train.seed") || k.equals("train.batch-size") || k.equals("train.grad-accum");
  private static final List<String> STATE = List.of("adam.m", "adam.v");

  /**
   * What a finished run reports; {@code stepSeconds} is the time in training steps of this rank
   * (this process), {@code commSeconds} the part of it spent in the data-parallel collectives and
   * {@code exchangeSeconds} the part in the expert all-to-all (evaluation's included).
   */
  public record Result(String variant, long steps, long skippedSteps, long tokensSeen,
      double lastTrainCe, double lastValidationCe, double unigramEntropy, double seconds,
      double stepSeconds, double commSeconds, double exchangeSeconds) implements java.io.Serializable {
    /** The same result over a wall time measured elsewhere (the driver, over all intervals). */
    public Result withSeconds(double wall) {
      return new Result(variant, steps, skippedSteps, tokensSeen, lastTrainCe, lastValidationCe,
          unigramEntropy, wall, stepSeconds, commSeconds, exchangeSeconds);
    }
  }

  private final ModelConfig modelCfg;
  private final TrainConfig tc;
  private final String variant;
  private final Collective dp;
  private final ExpertGrid grid;
  private final CheckpointStore store;
  private final TrainSink sink;
  private final int[][] evalSequences;
  private final int[][] routingSample;
  private final String tokenizerHash;
  private final Map<String, String> flatConfig;
  private final MoeTransformer model;
  private final ParamBuffer pb;
  private final AdamW adam;
  private final CosineSchedule schedule;
  private final int[] moeLayers;
  private final INDArray[] bias;
  private final double unigram;
  private final long t0 = System.nanoTime();
  private Set<Long> injectNanAt = Set.of();
  private java.util.function.LongConsumer afterStep = s -> {};
  private long step;
  private long tokensSeen;
  private long skipped;
  private int badRun;
  private double lastCe = Double.NaN;
  private double lastVal = Double.NaN;
  private long stepNanos;
  private long commNanos;

  /**
   * @param grid this rank's groups: the world (data parallel), and with expert parallelism its
   *     expert group and expert replicas (one rank for the local engine)
   * @param evalSequences the fixed validation sequences (every rank holds the same ones)
   */
  public TrainLoop(PipelineConfig cfg, ModelConfig modelCfg, String variant, ExpertGrid grid,
      CheckpointStore store, TrainSink sink, int[][] evalSequences, String tokenizerHash) {
    this(cfg, modelCfg, variant, grid, store, sink, evalSequences, tokenizerHash, DataType.FLOAT);
  }

  /** In {@code type}: DOUBLE lets equivalence tests separate the math from float32 rounding. */
  TrainLoop(PipelineConfig cfg, ModelConfig modelCfg, String variant, ExpertGrid grid,
      CheckpointStore store, TrainSink sink, int[][] evalSequences, String tokenizerHash, DataType type) {
    this.modelCfg = modelCfg;
    this.tc = cfg.train();
    this.variant = variant;
    this.grid = grid;
    this.dp = grid.world();
    this.store = store;
    this.sink = sink;
    this.evalSequences = evalSequences;
    this.routingSample = java.util.Arrays.copyOf(evalSequences,
        Math.min(cfg.train().batchSize(), evalSequences.length));
    this.tokenizerHash = tokenizerHash;
    this.flatConfig = variantConfig(cfg.flat(), modelCfg);
    model = MoeTransformer.create(modelCfg, type, tc.seed(), grid.shard(modelCfg.experts()));
    if (dp.size() > 1) {
      // the Switch loss's f_i is a global-batch quantity: sum the routed counts over the ranks
      model.sumLoadsWith(load -> {
        long c0 = System.nanoTime();
        dp.allReduceSum(load);
        commNanos += System.nanoTime() - c0;
        return load;
      });
    }
    pb = model.params();
    adam = new AdamW(pb, tc).scaleLr(ParamBuffer.Role.ROUTER, tc.routerLrScale());
    schedule = CosineSchedule.of(tc);
    moeLayers = model.moeLayers();
    bias = new INDArray[moeLayers.length];
    for (int i = 0; i < moeLayers.length; i++) {
      bias[i] = pb.view(MoeTransformer.moePrefix(moeLayers[i]) + MoeTransformer.EXPERT_BIAS);
    }
    unigram = Evaluation.unigramEntropy(evalSequences);
    long expertParams = pb.size() - pb.expertOffset();
    if (dp.rank() == 0) {
      // parameters, gradients and the two AdamW moments: 4 arrays of the buffer's type
      long width = 4L * pb.dataType().width();
      LOG.info(String.format("%s: per rank %,d dense + %,d expert parameters (%s of the experts);"
              + " parameters, gradients and AdamW state %,.1f MB dense + %,.1f MB experts", variant,
          pb.expertOffset(), expertParams, grid.expertParallel() == 1 ? "all" : "1/" + grid.expertParallel(),
          pb.expertOffset() * width / 1e6, expertParams * width / 1e6));
    }
  }

  /** Fault injection for tests: the gradient becomes NaN at these (1-based) steps. */
  TrainLoop injectNanAt(Set<Long> steps) {
    this.injectNanAt = Set.copyOf(steps);
    return this;
  }

  /** Called after each step's update with the step number (fault injection in engine tests). */
  public TrainLoop afterEachStep(java.util.function.LongConsumer hook) {
    this.afterStep = hook;
    return this;
  }

  /**
   * Continues from checkpoint {@code m} (parameters, moments, counters), or from the seeded
   * initialisation when empty; returns the step to continue from. Refuses a checkpoint of another
   * model or data configuration, naming the keys.
   */
  public long restore(Optional<CheckpointManifest> m) {
    if (m.isEmpty()) {
      return step;
    }
    CheckpointManifest c = m.get();
    Map<String, String> diff = CheckpointStore.configDiff(c.config(), flatConfig, MUST_MATCH);
    if (!diff.isEmpty()) {
      throw new IllegalArgumentException("cannot resume " + variant + " from checkpoint step "
          + c.step() + ": its config differs in " + diff + "; start a new --run-id or restore these values");
    }
    store.load(c, pb, Map.of("adam.m", adam.firstMoment(), "adam.v", adam.secondMoment()));
    adam.restoreSteps(c.rngState().get("adam.t"));
    step = c.step();
    tokensSeen = c.tokensSeen();
    skipped = c.rngState().get("skipped");
    if (dp.rank() == 0) {
      LOG.info("{}: resumed from checkpoint step {} ({} tokens seen)", variant, step, tokensSeen);
    }
    return step;
  }

  /**
   * Trains up to step {@code until} on this rank's rows of {@code plan}, read from {@code data};
   * every rank of the group calls it with the same arguments but its own data.
   */
  public void train(long until, BatchPlan plan, TrainingData data) {
    int accum = tc.gradAccum();
    long tokensPerStep = (long) plan.batchSize() * accum * modelCfg.seqLen();
    long windowStart = System.nanoTime();
    int windowSteps = 0;
    while (step < until) {
      long s0 = System.nanoTime();
      model.zeroGrads();
      StepStats stats = new StepStats(moeLayers.length, modelCfg.experts());
      for (int a = 0; a < accum; a++) {
        long position = step * accum + a;
        LossParts lp = model.forward(data.read(plan.slice(position, dp.rank(), dp.size())), true);
        model.backward();
        stats.add(lp, model.moeStats());
      }
      INDArray grads = pb.grads();
      if (dp.size() > 1) {
        long c0 = System.nanoTime();
        sumGradients(grads);
        stats.sumOver(dp);
        commNanos += System.nanoTime() - c0;
      }
      int microBatches = accum * dp.size();
      if (injectNanAt.contains(step + 1)) {
        grads.putScalar(0, Float.NaN);
      }
      // the buffer holds the sum over micro-batches: the mean and the clip reach AdamW as one factor
      double gradNorm = globalNorm(grads) / microBatches;
      double gradScale = GradClip.scale(gradNorm, tc.clipNorm()) / microBatches;
      double lr = schedule.at((int) step);
      step++;
      tokensSeen += tokensPerStep;
      LossParts lp = stats.mean(microBatches);
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
      adam.step(lr, gradScale);
      model.updateExpertBias(java.util.Arrays.asList(stats.load));
      stepNanos += System.nanoTime() - s0;
      lastCe = lp.ce();
      windowSteps++;
      double secs = (System.nanoTime() - windowStart) / 1e9;
      double tokPerS = windowSteps * (double) tokensPerStep / Math.max(secs, 1e-9);
      double[] worst = stats.worstMaxMeanLoad();
      boolean lead = dp.rank() == 0;
      if (lead) {
        sink.metric(new MetricRow(step, "train", tokensSeen, lp.total(), lp.ce(), lp.aux(),
            lp.seqAux(), lp.z(), lr, gradNorm, tokPerS, stats.droppedFraction(), worst[0], skipped));
        for (int i = 0; i < moeLayers.length; i++) {
          for (int e = 0; e < modelCfg.experts(); e++) {
            sink.load(new LoadRow(step, moeLayers[i], e, stats.load[i][e], stats.dropped[i][e],
                stats.meanGate(i, e, microBatches), bias[i].getDouble(e)));
          }
        }
      }
      if (lead && (step % tc.logEvery() == 0 || step == tc.steps())) {
        double eta = (tc.steps() - step) * tokensPerStep / Math.max(tokPerS, 1e-9);
        LOG.info(String.format("%s step %d/%d | loss %.4f ce %.4f aux %.4f z %.4f | lr %.2e | gnorm %.3f"
                + " | %,.0f tok/s | ETA %s | dropped %.2f%% | max/mean load %.2f (layer %d)%s",
            variant, step, tc.steps(), lp.total(), lp.ce(), lp.aux(), lp.z(), lr, gradNorm, tokPerS,
            duration(eta), 100 * stats.droppedFraction(), worst[0],
            moeLayers.length == 0 ? -1 : moeLayers[(int) worst[1]],
            dp.size() > 1 ? " | " + dp.size() + " ranks" : ""));
        windowStart = System.nanoTime();
        windowSteps = 0;
      }
      if (step % tc.evalEvery() == 0 || step == tc.steps()) {
        evaluate(lr);
      }
      if (tc.routeSampleEvery() > 0 && moeLayers.length > 0 && routingSample.length > 0
          && (step % tc.routeSampleEvery() == 0 || step == tc.steps())) {
        // an expert-parallel forward is a collective: every rank of the group runs it
        if (lead || grid.expertParallel() > 1) {
          model.forward(routingSample, false);
        }
        if (lead) {
          sink.sampleRouting(model, step);
        }
      }
      if (step % tc.checkpointEvery() == 0 || step == tc.steps()) {
        checkpoint(accum);
      }
      afterStep.accept(step);
    }
  }

  /**
   * Dense gradients summed over the world; expert gradients (the expert region at the end of the
   * buffer) over the replicas of this rank's experts: the expert group already brought every
   * rank's tokens to them.
   */
  private void sumGradients(INDArray grads) {
    long split = pb.expertOffset();
    if (grid.expertParallel() == 1 || split == pb.size()) {
      dp.allReduceSum(grads);
      return;
    }
    dp.allReduceSum(grads.get(NDArrayIndex.interval(0, split)));
    grid.replicas().allReduceSum(grads.get(NDArrayIndex.interval(split, pb.size())));
  }

  /** ‖g‖ of the whole model: sqrt(‖dense‖² + Σ over the expert group of ‖local experts‖²). */
  private double globalNorm(INDArray grads) {
    long split = pb.expertOffset();
    if (grid.expertParallel() == 1 || split == pb.size()) {
      return GradClip.norm(grads);
    }
    double[] experts = {GradClip.sumSquares(grads, split, pb.size())};
    grid.experts().allReduceSum(experts);
    return Math.sqrt(GradClip.sumSquares(grads, 0, split) + experts[0]);
  }

  private void evaluate(double lr) {
    double[] sum = Evaluation.validationCeSum(model, evalSequences, tc.batchSize(), tc.evalBatches(),
        dp.rank(), dp.size());
    if (dp.size() > 1) {
      dp.allReduceSum(sum);
    }
    lastVal = sum[1] == 0 ? Double.NaN : sum[0] / sum[1];
    if (!Double.isNaN(lastVal) && dp.rank() == 0) {
      sink.metric(MetricRow.validation(step, tokensSeen, lastVal, lr, skipped));
      LOG.info(String.format("%s step %d validation ce %.4f nats (unigram entropy of validation"
          + " tokens %.4f, perplexity %.1f)", variant, step, lastVal, unigram, Math.exp(lastVal)));
    }
  }

  /**
   * Rank 0 writes the replicated state and the manifest; the owners of each expert (the first
   * expert group, ranks 0..P−1) write its file with its AdamW moments, into one temporary directory
   * that rank 0 renames into place last, after a barrier (DESIGN §4).
   */
  private void checkpoint(int accum) {
    Map<String, Long> rng = new LinkedHashMap<>();
    rng.put("adam.t", adam.steps());
    rng.put("skipped", skipped);
    CheckpointManifest m = CheckpointManifest.of(modelCfg, pb.dataType(), step, tokensSeen,
        step * accum, rng, flatConfig, tokenizerHash, STATE);
    Map<String, INDArray> state = Map.of("adam.m", adam.firstMoment(), "adam.v", adam.secondMoment());
    boolean lead = dp.rank() == 0;
    if (lead) {
      sink.beforeCheckpoint(step);
    }
    if (grid.expertParallel() == 1) {
      if (lead) {
        store.save(m, pb, state);
      }
      dp.barrier();
      return;
    }
    long token = dp.allGather(new long[] {lead ? System.nanoTime() : 0})[0];
    if (lead) {
      store.begin(step, token);
    }
    dp.barrier();
    org.apache.hadoop.fs.Path tmp = store.temporary(step, token);
    if (dp.rank() < grid.expertParallel()) {
      store.writeExperts(tmp, m, pb, state);
    }
    dp.barrier();
    if (lead) {
      store.commit(tmp, m, pb, state);
    }
    dp.barrier();
  }

  /**
   * The run's flattened config as this variant was trained: the dense twin is derived from the MoE
   * config, and its checkpoints must say {@code model.dense = true} (resume compares this map too).
   */
  static Map<String, String> variantConfig(Map<String, String> flat, ModelConfig modelCfg) {
    Map<String, String> v = new java.util.TreeMap<>(flat);
    v.put("model.dense", String.valueOf(modelCfg.dense()));
    return v;
  }

  /** An ETA for progress lines: 45s, 3m07s, 2h05m. */
  public static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }

  public long step() {
    return step;
  }

  public Result result() {
    return new Result(variant, step, skipped, tokensSeen, lastCe, lastVal, unigram,
        (System.nanoTime() - t0) / 1e9, stepNanos / 1e9, commNanos / 1e9,
        grid.exchangeNanos().sum() / 1e9);
  }

  /** The flat parameters (for tests comparing engines and runs). */
  public INDArray params() {
    return pb.params();
  }
}
