package org.moespark.model;

import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DeepSeek-V3 auxiliary-loss-free balancing (§2.1.2): after each step
 * {@code b_i += γ·sign(mean_load − load_i)}; the bias only shifts expert selection.
 */
public final class ExpertBiasBalancer {
  private ExpertBiasBalancer() {}

  /** @param load [E] pairs routed per expert, already summed over all ranks */
  public static void update(INDArray expertBias, long[] load, double gamma) {
    Preconditions.checkArgument(expertBias.length() == load.length, "bias has %s experts, load %s",
        expertBias.length(), load.length);
    double mean = 0;
    for (long l : load) {
      mean += l;
    }
    mean /= load.length;
    for (int i = 0; i < load.length; i++) {
      expertBias.putScalar(i, expertBias.getDouble(i) + gamma * Math.signum(mean - load[i]));
    }
  }
}
