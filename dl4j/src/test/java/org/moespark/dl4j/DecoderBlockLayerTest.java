package org.moespark.dl4j;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.moespark.model.DecoderBlock;
import org.moespark.model.ModelConfig;
import org.moespark.model.ParamBuffer;
import org.moespark.model.moe.LocalExchange;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class DecoderBlockLayerTest {
  static final int B = 2;
  static final int C = 4;
  static final int T = 3;

  static DecoderBlockLayer block() {
    return new DecoderBlockLayer.Builder().heads(2).experts(4).topK(2).ffnHidden(3)
        .sharedExperts(1, 2).routerLosses(0.05, 0.07, 0.02).capacityFactor(0).initStd(0.5).build();
  }

  @Test
  void gradientCheckDroplessFloat64() {
    ComputationGraph net = Nets.around(block(), C, T);
    Nd4j.getRandom().setSeed(4);
    Nets.assertGradientsPass(net, Nd4j.randn(DataType.DOUBLE, B, C, T),
        Nd4j.randn(DataType.DOUBLE, B, C, T));
  }

  /** Parity with the core block (see Nets.assertMatchesCore): attention over each sequence, then the MoE. */
  @Test
  void matchesTheCoreBlockWithTheSameWeights() {
    ComputationGraph net = Nets.around(block(), C, T);
    CoreLayerImpl dl4j = (CoreLayerImpl) net.getLayer("layer");
    ModelConfig cfg = ((CoreLayer) dl4j.conf().getLayer()).modelConfig();
    ParamBuffer.Builder b = ParamBuffer.builder();
    DecoderBlock.addTo(b, "", cfg, true, cfg.experts());
    ParamBuffer pb = b.allocate(DataType.DOUBLE);
    DecoderBlock core = DecoderBlock.of(pb, "", cfg, true, 1, new LocalExchange());

    Nets.assertMatchesCore(dl4j, pb, x -> core.forward(x, B, T, true), core::backward, B, T);
  }

  @Test
  void jsonRoundTripKeepsTheConfigurationAndTheOutputs() {
    Nets.assertJsonRoundTrip(Nets.around(block(), C, T), Nd4j.randn(DataType.DOUBLE, B, C, T));
  }
}
