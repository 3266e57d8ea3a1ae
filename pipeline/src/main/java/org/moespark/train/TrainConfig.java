package org.moespark.train;

import com.typesafe.config.Config;
import org.moespark.config.Check;

/**
 * Optimisation and engine settings.
 *
 * @param batchSize sequences per optimizer step over all workers (the global batch), before
 *     gradient accumulation; each of the W workers takes batchSize/W of them
 * @param expertParallel ranks that split the experts (1 = every rank holds all experts)
 */
public record TrainConfig(
    Engine engine,
    int workers,
    int expertParallel,
    long seed,
    int steps,
    int batchSize,
    int gradAccum,
    double lr,
    double routerLrScale,
    double minLrRatio,
    int warmupSteps,
    double weightDecay,
    double beta1,
    double beta2,
    double eps,
    double clipNorm,
    int logEvery,
    int evalEvery,
    int evalBatches,
    int checkpointEvery,
    int keepCheckpoints,
    int maxBadSteps,
    int routeSampleEvery,
    java.time.Duration collectiveTimeout) {

  /**
   * Where training runs: one JVM, a barrier stage of {@code workers} Spark tasks, or DL4J's
   * dl4j-spark parameter averaging (the moe-spark-dl4j module, found as a {@link TrainEngine}).
   */
  public enum Engine { LOCAL, SPARK, DL4J }

  public TrainConfig {
    Check.positive("train.workers", workers);
    Check.positive("train.expert-parallel", expertParallel);
    Check.that(workers % expertParallel == 0, "train.expert-parallel", expertParallel,
        "must divide train.workers (%d)", workers);
    Check.positive("train.steps", steps);
    Check.positive("train.batch-size", batchSize);
    Check.positive("train.grad-accum", gradAccum);
    Check.that(lr > 0, "train.lr", lr, "must be > 0");
    Check.that(routerLrScale > 0, "train.router-lr-scale", routerLrScale, "must be > 0");
    Check.that(minLrRatio >= 0 && minLrRatio <= 1, "train.min-lr-ratio", minLrRatio, "must be in [0, 1]");
    Check.that(warmupSteps >= 0, "train.warmup-steps", warmupSteps, "must be >= 0");
    Check.nonNegative("train.weight-decay", weightDecay);
    Check.fraction("train.beta1", beta1);
    Check.fraction("train.beta2", beta2);
    Check.that(eps > 0, "train.eps", eps, "must be > 0");
    Check.nonNegative("train.clip-norm", clipNorm);
    Check.positive("train.log-every", logEvery);
    Check.positive("train.eval-every", evalEvery);
    Check.positive("train.eval-batches", evalBatches);
    Check.positive("train.checkpoint-every", checkpointEvery);
    Check.positive("train.keep-checkpoints", keepCheckpoints);
    Check.positive("train.max-bad-steps", maxBadSteps);
    Check.that(batchSize % workers == 0, "train.batch-size", batchSize,
        "is the global batch and must be divisible by train.workers (%d)", workers);
    Check.that(!collectiveTimeout.isNegative() && !collectiveTimeout.isZero(), "train.collective-timeout",
        collectiveTimeout, "must be > 0");
    Check.that(routeSampleEvery >= 0, "train.route-sample-every", routeSampleEvery, "must be >= 0 (0 = off)");
  }

  public static TrainConfig from(Config c) {
    return new TrainConfig(
        Check.oneOf("train.engine", c.getString("engine"), Engine.class),
        c.getInt("workers"),
        c.getInt("expert-parallel"),
        c.getLong("seed"),
        c.getInt("steps"),
        c.getInt("batch-size"),
        c.getInt("grad-accum"),
        c.getDouble("lr"),
        c.getDouble("router-lr-scale"),
        c.getDouble("min-lr-ratio"),
        c.getInt("warmup-steps"),
        c.getDouble("weight-decay"),
        c.getDouble("beta1"),
        c.getDouble("beta2"),
        c.getDouble("eps"),
        c.getDouble("clip-norm"),
        c.getInt("log-every"),
        c.getInt("eval-every"),
        c.getInt("eval-batches"),
        c.getInt("checkpoint-every"),
        c.getInt("keep-checkpoints"),
        c.getInt("max-bad-steps"),
        c.getInt("route-sample-every"),
        c.getDuration("collective-timeout"));
  }
}
