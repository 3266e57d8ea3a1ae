package org.moespark.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.moespark.model.DecoderBlock;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeFfn;
import org.moespark.model.MoeStats;
import org.moespark.model.ParamBuffer;
import org.moespark.model.moe.LocalExchange;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link DecoderBlockLayer} at runtime: the core {@link DecoderBlock} over the layer's views. */
final class DecoderBlockLayerImpl extends CoreLayerImpl {
  private DecoderBlock block;

  DecoderBlockLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  protected void build(ParamBuffer pb, ModelConfig cfg, long seed) {
    boolean moe = ((DecoderBlockLayer) layerConf()).isMoe();
    block = DecoderBlock.of(pb, "", cfg, moe, seed, moe ? new LocalExchange() : null);
  }

  @Override
  protected INDArray forward(INDArray x, int batch, int seq, boolean training) {
    return block.forward(x, batch, seq, training);
  }

  @Override
  protected INDArray backward(INDArray dy) {
    return block.backward(dy);
  }

  @Override
  public MoeStats stats() {
    return block != null && block.ffn() instanceof MoeFfn m ? m.stats() : null;
  }
}
