package org.moespark.model;

import com.typesafe.config.Config;
import org.moespark.config.Check;

/**
 * The decoder's shape and its MoE options. Dimension letters used across the model:
 * V vocab, C model width (d), H heads, T sequence length, E experts, K experts per token (top-k),
 * F expert hidden width (ffn).
 *
 * @param capacityFactor tokens an expert may take, as a multiple of the balanced share
 *     {@code T·K/E}; 0 means dropless
 * @param moeEvery an MoE FFN on every n-th layer (layer index {@code i % moeEvery == moeEvery-1}),
 *     dense SwiGLU elsewhere; 1 = every layer
 * @param dense the equal-active-compute baseline: every FFN is a dense SwiGLU of width K·F
 */
public record ModelConfig(
    int vocabSize,
    int dModel,
    int layers,
    int heads,
    int seqLen,
    int ffnHidden,
    int experts,
    int topK,
    Router router,
    boolean normalizeGates,
    double jitter,
    double capacityFactor,
    int sharedExperts,
    int sharedHidden,
    int moeEvery,
    double auxCoef,
    double seqAuxCoef,
    double zCoef,
    double biasRate,
    boolean dense,
    boolean tieEmbeddings,
    double ropeTheta,
    double normEps,
    double initStd) {

  /** Router score function: softmax over experts (Switch/Mixtral) or per-expert sigmoid (DeepSeek-V3). */
  public enum Router { SOFTMAX, SIGMOID }

  public ModelConfig {
    Check.positive("model.vocab-size", vocabSize);
    Check.positive("model.d-model", dModel);
    Check.positive("model.layers", layers);
    Check.positive("model.heads", heads);
    Check.that(dModel % heads == 0, "model.d-model", dModel,
        "must be divisible by model.heads (%d)", heads);
    Check.that((dModel / heads) % 2 == 0, "model.d-model", dModel,
        "head width d-model/heads = %d must be even for RoPE", dModel / heads);
    Check.positive("model.seq-len", seqLen);
    Check.positive("model.ffn-hidden", ffnHidden);
    Check.positive("model.experts", experts);
    Check.that(topK >= 1 && topK <= experts, "model.top-k", topK,
        "must be in [1, model.experts] = [1, %d]", experts);
    Check.nonNegative("model.jitter", jitter);
    Check.that(capacityFactor >= 0 && !Double.isNaN(capacityFactor), "model.capacity-factor",
        capacityFactor, "must be >= 0 (0 = dropless)");
    Check.that(sharedExperts >= 0, "model.shared-experts", sharedExperts, "must be >= 0");
    Check.that(sharedExperts == 0 || sharedHidden > 0, "model.shared-hidden", sharedHidden,
        "must be > 0 when model.shared-experts = %d", sharedExperts);
    Check.positive("model.moe-every", moeEvery);
    Check.that(moeEvery <= layers, "model.moe-every", moeEvery,
        "must be <= model.layers (%d), or no layer would be MoE", layers);
    Check.nonNegative("model.aux-coef", auxCoef);
    Check.nonNegative("model.seq-aux-coef", seqAuxCoef);
    Check.nonNegative("model.z-coef", zCoef);
    Check.nonNegative("model.bias-rate", biasRate);
    Check.that(ropeTheta > 0, "model.rope-theta", ropeTheta, "must be > 0");
    Check.that(normEps > 0, "model.norm-eps", normEps, "must be > 0");
    Check.that(initStd > 0, "model.init-std", initStd, "must be > 0");
  }

  public static ModelConfig from(Config c) {
    return new ModelConfig(
        c.getInt("vocab-size"),
        c.getInt("d-model"),
        c.getInt("layers"),
        c.getInt("heads"),
        c.getInt("seq-len"),
        c.getInt("ffn-hidden"),
        c.getInt("experts"),
        c.getInt("top-k"),
        Check.oneOf("model.router", c.getString("router"), Router.class),
        c.getBoolean("normalize-gates"),
        c.getDouble("jitter"),
        c.getDouble("capacity-factor"),
        c.getInt("shared-experts"),
        c.getInt("shared-hidden"),
        c.getInt("moe-every"),
        c.getDouble("aux-coef"),
        c.getDouble("seq-aux-coef"),
        c.getDouble("z-coef"),
        c.getDouble("bias-rate"),
        c.getBoolean("dense"),
        c.getBoolean("tie-embeddings"),
        c.getDouble("rope-theta"),
        c.getDouble("norm-eps"),
        c.getDouble("init-std"));
  }

  public int headDim() {
    return dModel / heads;
  }

  /** Whether layer {@code i} (0-based) has an MoE FFN. */
  public boolean isMoeLayer(int i) {
    return !dense && i % moeEvery == moeEvery - 1;
  }

  /** Width of the dense FFN: K·F in dense mode (equal active compute), F on non-MoE layers. */
  public int denseFfnHidden() {
    return dense ? topK * ffnHidden : ffnHidden;
  }

  /** The same model routed with another capacity factor (e.g. dropless inference: 0). */
  public ModelConfig withCapacityFactor(double cf) {
    return new ModelConfig(vocabSize, dModel, layers, heads, seqLen, ffnHidden, experts, topK,
        router, normalizeGates, jitter, cf, sharedExperts, sharedHidden, moeEvery, auxCoef,
        seqAuxCoef, zCoef, biasRate, dense, tieEmbeddings, ropeTheta, normEps, initStd);
  }

  /** The dense twin: the same model with every FFN a SwiGLU of width K·F. */
  public ModelConfig asDense() {
    return new ModelConfig(vocabSize, dModel, layers, heads, seqLen, ffnHidden, experts, topK,
        router, normalizeGates, jitter, capacityFactor, sharedExperts, sharedHidden, moeEvery,
        auxCoef, seqAuxCoef, zCoef, biasRate, true, tieEmbeddings, ropeTheta, normEps, initStd);
  }
}
