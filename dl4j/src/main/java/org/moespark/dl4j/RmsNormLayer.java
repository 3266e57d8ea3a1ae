package org.moespark.dl4j;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.moespark.model.ModelConfig;
import org.moespark.model.ParamBuffer;
import org.moespark.model.ParamBuffer.Init;
import org.moespark.model.ParamBuffer.Role;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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
  protected int heads() {
    return 1;
  }

  @Override
  protected double ropeTheta() {
    return 10000;
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
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray paramsView, boolean initializeParams, DataType networkDataType) {
    LayerValidation.assertNInNOutSet("RmsNormLayer", getLayerName(), layerIndex, getNIn(), getNOut());
    RmsNormLayerImpl layer = new RmsNormLayerImpl(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(paramsView);
    layer.setParamTable(initializer().init(conf, paramsView, initializeParams));
    layer.setConf(conf);
    return layer;
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
