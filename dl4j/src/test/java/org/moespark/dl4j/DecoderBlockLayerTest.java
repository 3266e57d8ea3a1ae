package org.moespark.dl4j;

import java.util.Map;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.moespark.model.DecoderBlock;
import org.moespark.model.ModelConfig;
import org.moespark.model.ParamBuffer;
import org.moespark.model.moe.LocalExchange;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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

  /** As MoeLayerTest's parity, for the whole block (attention over each sequence, then the MoE). */
  @Test
  void matchesTheCoreBlockWithTheSameWeights() {
    ComputationGraph net = Nets.around(block(), C, T);
    CoreLayerImpl dl4j = (CoreLayerImpl) net.getLayer("layer");
    ModelConfig cfg = ((CoreLayer) dl4j.conf().getLayer()).modelConfig();
    ParamBuffer.Builder b = ParamBuffer.builder();
    DecoderBlock.addTo(b, "", cfg, true, cfg.experts());
    ParamBuffer pb = b.allocate(DataType.DOUBLE);
    pb.params().assign(dl4j.params().reshape(pb.size()));
    DecoderBlock core = DecoderBlock.of(pb, "", cfg, true, 1, new LocalExchange());

    Nd4j.getRandom().setSeed(6);
    INDArray in = Nd4j.randn(DataType.DOUBLE, B, C, T);
    INDArray r = Nd4j.randn(DataType.DOUBLE, B, C, T);
    int n = B * T;
    INDArray yDl4j = dl4j.activate(in, true, LayerWorkspaceMgr.noWorkspaces());
    Pair<Gradient, INDArray> back = dl4j.backpropGradient(r, LayerWorkspaceMgr.noWorkspaces());

    INDArray yCore = core.forward(MoeLayerTest.tokens(in), B, T, true);
    INDArray dxCore = core.backward(MoeLayerTest.tokens(r).divi(n)).mul(n);
    Nets.assertClose("output", MoeLayerTest.tokens(yDl4j), yCore, 1e-5);
    Nets.assertClose("input gradient", MoeLayerTest.tokens(back.getSecond()), dxCore, 1e-5);
    Map<String, INDArray> grads = back.getFirst().gradientForVariable();
    for (ParamBuffer.Slot slot : pb.slots()) {
      Nets.assertClose(slot.name(), grads.get(CoreParamInitializer.key(slot)),
          pb.grad(slot.name()).mul(n), 1e-5);
    }
  }

  @Test
  void jsonRoundTripKeepsTheConfigurationAndTheOutputs() {
    Nets.assertJsonRoundTrip(Nets.around(block(), C, T), Nd4j.randn(DataType.DOUBLE, B, C, T));
  }
}
