package org.moespark.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeStats;
import org.moespark.model.ParamBuffer;
import org.moespark.model.RmsNorm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link RmsNormLayer} at runtime: the core {@link RmsNorm} over the layer's views. */
final class RmsNormLayerImpl extends CoreLayerImpl {
  private RmsNorm norm;

  RmsNormLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  protected void build(ParamBuffer pb, ModelConfig cfg, long seed) {
    norm = new RmsNorm(pb.view(RmsNormLayer.GAIN), pb.grad(RmsNormLayer.GAIN), cfg.normEps());
  }

  @Override
  protected INDArray forward(INDArray x, int batch, int seq, boolean training) {
    return norm.forward(x);
  }

  @Override
  protected INDArray backward(INDArray dy) {
    return norm.backward(dy);
  }

  @Override
  public MoeStats stats() {
    return null;
  }
}
