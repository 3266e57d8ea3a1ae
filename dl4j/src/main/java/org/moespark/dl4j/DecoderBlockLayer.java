package org.moespark.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.moespark.model.DecoderBlock;
import org.moespark.model.ModelConfig;
import org.moespark.model.ParamBuffer;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * One moe-spark decoder block as a DL4J layer over recurrent input: RMSNorm → causal multi-head
 * attention with RoPE → residual → RMSNorm → MoE FFN (or a dense SwiGLU of width K·F when
 * {@code moe(false)}) → residual. Stack these between DL4J's {@code EmbeddingSequenceLayer} and
 * {@code RnnOutputLayer} for a whole MoE LM. Parameters (the core's block slots): {@code norm1},
 * {@code attn.wqkv}, {@code attn.wo}, {@code norm2}, then {@code moe.*} (see {@link MoeLayer}) or
 * {@code ffn.w13}, {@code ffn.w2}.
 */
public final class DecoderBlockLayer extends CoreLayer {
  @JsonProperty private int heads;
  @JsonProperty private double ropeTheta;
  @JsonProperty private double normEps;
  @JsonProperty private boolean moe;

  /** For JSON. */
  private DecoderBlockLayer() {}

  private DecoderBlockLayer(Builder b) {
    super(b);
    this.heads = b.heads;
    this.ropeTheta = b.ropeTheta;
    this.normEps = b.normEps;
    this.moe = b.moe;
  }

  @Override
  protected int heads() {
    return heads;
  }

  @Override
  protected double ropeTheta() {
    return ropeTheta;
  }

  @Override
  protected double normEps() {
    return normEps;
  }

  @Override
  protected void addSlots(ParamBuffer.Builder b, ModelConfig cfg) {
    DecoderBlock.addTo(b, "", cfg, moe, cfg.experts());
  }

  /** Whether the FFN is an MoE (else the dense baseline). */
  public boolean isMoe() {
    return moe;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    Preconditions.checkArgument(inputType instanceof InputType.InputTypeRecurrent,
        "DecoderBlockLayer %s needs recurrent input [B, C, T] (attention runs over sequences), got %s",
        getLayerName(), inputType);
    return super.getOutputType(layerIndex, inputType);
  }

  @Override
  protected CoreLayerImpl newImpl(NeuralNetConfiguration conf, DataType networkDataType) {
    return new DecoderBlockLayerImpl(conf, networkDataType);
  }

  /** {@code new DecoderBlockLayer.Builder().nIn(d).heads(4).experts(8).topK(2).ffnHidden(f).build()}. */
  public static final class Builder extends CoreLayer.Builder<Builder> {
    private int heads = 4;
    private double ropeTheta = 10000;
    private double normEps = 1e-5;
    private boolean moe = true;

    public Builder heads(int h) {
      this.heads = h;
      return this;
    }

    public Builder ropeTheta(double theta) {
      this.ropeTheta = theta;
      return this;
    }

    public Builder normEps(double eps) {
      this.normEps = eps;
      return this;
    }

    /** false: the dense baseline FFN (SwiGLU of width topK·ffnHidden). */
    public Builder moe(boolean isMoe) {
      this.moe = isMoe;
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public DecoderBlockLayer build() {
      return new DecoderBlockLayer(this);
    }
  }
}
