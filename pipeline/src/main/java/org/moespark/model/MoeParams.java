package org.moespark.model;

import org.moespark.model.ParamBuffer.Init;
import org.moespark.model.ParamBuffer.Role;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameter (and gradient) views of one MoE FFN. Expert weights are stacked over experts:
 * a rank holding a contiguous range of experts passes views with E_local rows.
 *
 * @param router [C, E] router weights
 * @param expertBias [E] DeepSeek-V3 selection bias: no gradient, updated by
 *     {@link ExpertBiasBalancer} and excluded from the optimizer
 * @param w13 [E, C, 2F] fused w1 | w3 per expert
 * @param w2 [E, F, C]
 * @param sharedW13 [C, 2·S·Fs], or null without shared experts
 * @param sharedW2 [S·Fs, C], or null without shared experts
 */
public record MoeParams(INDArray router, INDArray routerGrad, INDArray expertBias,
    INDArray w13, INDArray w13Grad, INDArray w2, INDArray w2Grad,
    INDArray sharedW13, INDArray sharedW13Grad, INDArray sharedW2, INDArray sharedW2Grad) {

  public static final String ROUTER = "router";
  /** Slot-name suffix of the selection bias, which the optimizer must skip. */
  public static final String EXPERT_BIAS = "expert_bias";
  public static final String W13 = "w13";
  public static final String W2 = "w2";
  public static final String SHARED_W13 = "shared_w13";
  public static final String SHARED_W2 = "shared_w2";

  /**
   * Declares this layer's slots under {@code prefix} (e.g. {@code "h3.moe."}), with
   * {@code localExperts} experts in the expert slots: router,
   * {@code expert_bias} (selection only), w13, w2, and the shared experts'
   * {@code shared_w13}, {@code shared_w2} when {@code cfg.sharedExperts() > 0}.
   */
  public static void addTo(ParamBuffer.Builder b, String prefix, ModelConfig cfg, int localExperts) {
    long c = cfg.dModel();
    long e = cfg.experts();
    long local = localExperts;
    long f = cfg.ffnHidden();
    b.add(prefix + ROUTER, Role.ROUTER, Init.NORMAL, c, e);
    b.add(prefix + EXPERT_BIAS, Role.SELECTION_ONLY, Init.ZEROS, e);
    b.add(prefix + W13, Role.EXPERT, Init.NORMAL, local, c, 2 * f);
    b.add(prefix + W2, Role.EXPERT, Init.RESIDUAL_NORMAL, local, f, c);
    if (cfg.sharedExperts() > 0) {
      long fs = (long) cfg.sharedExperts() * cfg.sharedHidden();
      b.add(prefix + SHARED_W13, Role.DENSE, Init.NORMAL, c, 2 * fs);
      b.add(prefix + SHARED_W2, Role.DENSE, Init.RESIDUAL_NORMAL, fs, c);
    }
  }

  /** The views of the slots {@link #addTo} declared under {@code prefix}. */
  public static MoeParams of(ParamBuffer pb, String prefix) {
    boolean shared = pb.slots().stream().anyMatch(s -> s.name().equals(prefix + SHARED_W13));
    return new MoeParams(pb.view(prefix + ROUTER), pb.grad(prefix + ROUTER),
        pb.view(prefix + EXPERT_BIAS),
        pb.view(prefix + W13), pb.grad(prefix + W13), pb.view(prefix + W2), pb.grad(prefix + W2),
        shared ? pb.view(prefix + SHARED_W13) : null, shared ? pb.grad(prefix + SHARED_W13) : null,
        shared ? pb.view(prefix + SHARED_W2) : null, shared ? pb.grad(prefix + SHARED_W2) : null);
  }

  public boolean hasShared() {
    return sharedW13 != null;
  }
}
