package org.moespark.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Gradient clipping by global L2 norm (Pascanu et al. 2013) over the flat gradient buffer. The
 * clip is a factor handed to {@link AdamW#step(double, double)}, not a pass that rescales the
 * buffer: the optimizer reads each gradient once anyway.
 */
public final class GradClip {
  private GradClip() {}

  /** ‖g‖₂ of the whole flat gradient buffer. */
  public static double norm(INDArray grads) {
    return grads.norm2Number().doubleValue();
  }

  /**
   * Σ g[i]² over elements [from, to) of the flat buffer: an expert-parallel rank holds a slice of
   * the model, so the norm of the whole gradient is assembled across ranks from such parts.
   */
  public static double sumSquares(INDArray grads, long from, long to) {
    if (from == to) {
      return 0;
    }
    double n = grads.get(NDArrayIndex.interval(from, to)).norm2Number().doubleValue();
    return n * n;
  }

  /** {@code maxNorm/norm} when {@code norm > maxNorm > 0} (0: no clipping), else 1. */
  public static double scale(double norm, double maxNorm) {
    return maxNorm > 0 && norm > maxNorm ? maxNorm / norm : 1.0;
  }
}
