package org.moespark.train;

import java.util.List;

/** Too many consecutive steps with a non-finite loss or gradient: the run stops. */
public final class TrainingDivergedException extends RuntimeException {
  TrainingDivergedException(String variant, long step, int consecutive, List<Long> checkpoints) {
    super(String.format("%s: %d consecutive steps up to step %d had a non-finite loss or gradient "
            + "(train.max-bad-steps = %d); stopping. %s Lower train.lr, raise train.warmup-steps or "
            + "tighten train.clip-norm, then rerun with --resume.", variant, consecutive, step,
        consecutive,
        checkpoints.isEmpty() ? "No checkpoint was written yet."
            : "The last good checkpoint is step " + checkpoints.get(checkpoints.size() - 1) + "."));
  }
}
