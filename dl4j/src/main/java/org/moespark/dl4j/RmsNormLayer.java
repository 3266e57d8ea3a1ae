package org.moespark.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.moespark.model.ModelConfig;
import org.moespark.model.ParamBuffer;
import org.moespark.model.ParamBuffer.Init;
import org.moespark.model.ParamBuffer.Role;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The core's RMSNorm as a DL4J layer (DL4J has none): the final norm of an MoE LM between the
 * last {@link DecoderBlockLayer} and the output layer. One parameter, {@code gain} [C] (no decay).
 * The MoE options it inherits are unused.
 */
public final class RmsNormLayer extends CoreLayer {
  static final String GAIN = "gain";

  @JsonProperty private double normEps;

  /** For JSON. */
  private RmsNormLayer() {}

  private RmsNormLayer(Builder b) {
    super(b);
    this.normEps = b.normEps;
  }

  @Override
  protected double normEps() {
    return normEps;
  }

  @Override
  protected void addSlots(ParamBuffer.Builder b, ModelConfig cfg) {
    b.add(GAIN, Role.NO_DECAY, Init.ONES, cfg.dModel());
  }

  @Override
  protected CoreLayerImpl newImpl(NeuralNetConfiguration conf, DataType networkDataType) {
    return new RmsNormLayerImpl(conf, networkDataType);
  }

  /** {@code new RmsNormLayer.Builder().nIn(d).build()}. */
  public static final class Builder extends CoreLayer.Builder<Builder> {
    private double normEps = 1e-5;

    public Builder normEps(double eps) {
      this.normEps = eps;
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public RmsNormLayer build() {
      return new RmsNormLayer(this);
    }
  }
}
