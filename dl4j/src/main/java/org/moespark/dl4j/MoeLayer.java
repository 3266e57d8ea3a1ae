package org.moespark.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeParams;
import org.moespark.model.ParamBuffer;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The moe-spark MoE FFN as a DL4J layer (width-preserving, {@code nOut = nIn}): top-k router,
 * capacity-limited or dropless dispatch, grouped SwiGLU experts, optional shared experts, and the
 * router losses in the score and the gradient. Parameters (the core's slots, no prefix):
 * {@code router} [C, E], {@code expert_bias} [E] (selection only, never updated here),
 * {@code w13} [E, C, 2F], {@code w2} [E, F, C], and {@code shared_w13}, {@code shared_w2} with
 * shared experts.
 *
 * <pre>{@code
 * .addLayer("moe", new MoeLayer.Builder().nIn(256).experts(8).topK(2).ffnHidden(512).build(), "attn")
 * }</pre>
 */
public final class MoeLayer extends CoreLayer {
  /** For JSON. */
  private MoeLayer() {}

  private MoeLayer(Builder b) {
    super(b);
  }

  @Override
  protected double normEps() {
    return 1e-5;
  }

  @Override
  protected void addSlots(ParamBuffer.Builder b, ModelConfig cfg) {
    MoeParams.addTo(b, "", cfg, cfg.experts());
  }

  @Override
  public ModelConfig modelConfig() {
    // The core's config validates a RoPE head width even for this attention-free layer.
    Preconditions.checkArgument(getNIn() % 2 == 0,
        "MoeLayer %s: nIn = %s must be even (the core's MoE FFN takes an even width d)",
        getLayerName(), getNIn());
    return super.modelConfig();
  }

  @Override
  protected CoreLayerImpl newImpl(NeuralNetConfiguration conf, DataType networkDataType) {
    return new MoeLayerImpl(conf, networkDataType);
  }

  /** {@code new MoeLayer.Builder().nIn(d).experts(8).topK(2).ffnHidden(f).build()}. */
  public static final class Builder extends CoreLayer.Builder<Builder> {
    @Override
    @SuppressWarnings("unchecked")
    public MoeLayer build() {
      return new MoeLayer(this);
    }
  }
}
