package org.moespark.train;

/**
 * Learning rate per step: linear warmup to {@code lr} over {@code warmupSteps}, then cosine decay
 * (Loshchilov & Hutter 2017, without restarts) to {@code lr·minLrRatio} at {@code steps}.
 */
public record CosineSchedule(double lr, double minLrRatio, int warmupSteps, int steps) {
  public static CosineSchedule of(TrainConfig tc) {
    return new CosineSchedule(tc.lr(), tc.minLrRatio(), tc.warmupSteps(), tc.steps());
  }

  /** The rate for 0-based {@code step}; constant at the minimum after {@code steps}. */
  public double at(int step) {
    if (step < warmupSteps) {
      return lr * (step + 1) / warmupSteps;
    }
    double min = lr * minLrRatio;
    double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, steps - warmupSteps));
    return min + 0.5 * (lr - min) * (1 + Math.cos(Math.PI * progress));
  }
}
