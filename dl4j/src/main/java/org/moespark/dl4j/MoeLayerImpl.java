package org.moespark.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeFfn;
import org.moespark.model.MoeParams;
import org.moespark.model.MoeStats;
import org.moespark.model.ParamBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link MoeLayer} at runtime: the core {@link MoeFfn} over the layer's views. */
final class MoeLayerImpl extends CoreLayerImpl {
  private MoeFfn moe;

  MoeLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  protected void build(ParamBuffer pb, ModelConfig cfg, long seed) {
    moe = new MoeFfn(cfg, MoeParams.of(pb, ""), seed);
  }

  @Override
  protected INDArray forward(INDArray x, int batch, int seq, boolean training) {
    return moe.forward(x, batch, training);
  }

  @Override
  protected INDArray backward(INDArray dy) {
    return moe.backward(dy);
  }

  @Override
  public MoeStats stats() {
    return moe == null ? null : moe.stats();
  }
}
