package org.moespark.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Gradient clipping by global L2 norm (Pascanu et al. 2013) over the whole flat gradient buffer. */
public final class GradClip {
  private GradClip() {}

  /**
   * Scales {@code grads} in place by {@code maxNorm/‖g‖} when {@code ‖g‖ > maxNorm}
   * ({@code maxNorm = 0}: no clipping) and returns the norm before clipping.
   */
  public static double clip(INDArray grads, double maxNorm) {
    return clip(grads, maxNorm, grads.norm2Number().doubleValue());
  }

  /**
   * The same with the norm given: an expert-parallel rank holds a slice of the model, so the norm
   * of the whole gradient is assembled across ranks first.
   */
  public static double clip(INDArray grads, double maxNorm, double norm) {
    if (maxNorm > 0 && norm > maxNorm) {
      grads.muli(maxNorm / norm);
    }
    return norm;
  }
}
