package org.moespark.train;

/** Checkpoint intervals: training runs from checkpoint to checkpoint (one barrier job each). */
public final class Intervals {
  private Intervals() {}

  /** The step the interval starting after {@code step} ends at: the next checkpoint or the last step. */
  public static long end(long step, TrainConfig tc) {
    return Math.min(tc.steps(), (step / tc.checkpointEvery() + 1) * tc.checkpointEvery());
  }
}
