package org.moespark.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeFfn;
import org.moespark.model.MoeParams;
import org.moespark.model.MoeStats;
import org.moespark.model.ParamBuffer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MoeLayerTest {
  static final int B = 2;
  static final int C = 4;
  static final int T = 3;

  static MoeLayer layer() {
    return new MoeLayer.Builder().experts(4).topK(2).ffnHidden(3).sharedExperts(1, 2)
        .routerLosses(0.05, 0.07, 0.02).capacityFactor(0).initStd(0.5).build();
  }

  @Test
  void gradientCheckDroplessFloat64() {
    ComputationGraph net = Nets.around(layer(), C, T);
    Nd4j.getRandom().setSeed(3);
    Nets.assertGradientsPass(net, Nd4j.randn(DataType.DOUBLE, B, C, T),
        Nd4j.randn(DataType.DOUBLE, B, C, T));
  }

  /**
   * Same weights, same input: DL4J's output equals the core MoE FFN's, and DL4J's gradients for an
   * epsilon r (the gradient of a loss summed over tokens) are N times the core's for r/N plus the
   * router losses (DL4J's updater divides by the minibatch; see CoreLayerImpl).
   */
  @Test
  void matchesTheCoreModelWithTheSameWeights() {
    ComputationGraph net = Nets.around(layer(), C, T);
    CoreLayerImpl dl4j = (CoreLayerImpl) net.getLayer("layer");
    ModelConfig cfg = ((CoreLayer) dl4j.conf().getLayer()).modelConfig();
    ParamBuffer.Builder b = ParamBuffer.builder();
    MoeParams.addTo(b, "", cfg, cfg.experts());
    ParamBuffer pb = b.allocate(DataType.DOUBLE);
    pb.params().assign(dl4j.params().reshape(pb.size()));
    MoeFfn core = new MoeFfn(cfg, MoeParams.of(pb, ""), 1);

    Nd4j.getRandom().setSeed(5);
    INDArray in = Nd4j.randn(DataType.DOUBLE, B, C, T);
    INDArray r = Nd4j.randn(DataType.DOUBLE, B, C, T);
    int n = B * T;
    INDArray yDl4j = dl4j.activate(in, true, LayerWorkspaceMgr.noWorkspaces());
    Pair<Gradient, INDArray> back = dl4j.backpropGradient(r, LayerWorkspaceMgr.noWorkspaces());

    INDArray yCore = core.forward(tokens(in), B, true);
    INDArray dxCore = core.backward(tokens(r).divi(n)).mul(n);
    Nets.assertClose("output", tokens(yDl4j), yCore, 1e-5);
    Nets.assertClose("input gradient", tokens(back.getSecond()), dxCore, 1e-5);
    Map<String, INDArray> grads = back.getFirst().gradientForVariable();
    assertThat(grads.keySet()).containsExactlyElementsOf(
        pb.slots().stream().map(CoreParamInitializer::key).toList());
    for (ParamBuffer.Slot slot : pb.slots()) {
      Nets.assertClose(slot.name(), grads.get(CoreParamInitializer.key(slot)), pb.grad(slot.name()).mul(n), 1e-5);
    }

    MoeStats s = core.stats();
    double router = cfg.auxCoef() * s.auxLoss() + cfg.seqAuxCoef() * s.seqAuxLoss() + cfg.zCoef() * s.zLoss();
    assertThat(router).isPositive();
    assertThat(dl4j.calcRegularizationScore(true)).isCloseTo(T * router, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void jsonRoundTripKeepsTheConfigurationAndTheOutputs() {
    Nets.assertJsonRoundTrip(Nets.around(layer(), C, T), Nd4j.randn(DataType.DOUBLE, B, C, T));
  }

  /** A fit step reports the losses the layer computed. */
  @Test
  void listenerReportsTheRouterLossesOfAFitStep() {
    ComputationGraph net = Nets.around(layer(), C, T);
    RouterLossListener listener = new RouterLossListener(0);
    net.setListeners(listener);
    Nd4j.getRandom().setSeed(8);
    net.fit(new org.nd4j.linalg.dataset.DataSet(Nd4j.randn(DataType.DOUBLE, B, C, T),
        Nd4j.randn(DataType.DOUBLE, B, C, T)));
    RouterLossListener.RouterLosses r = listener.last();
    MoeStats s = ((CoreLayerImpl) net.getLayer("layer")).stats();
    assertThat(r.layers()).isEqualTo(1);
    assertThat(r.aux()).isEqualTo(s.auxLoss()).isPositive();
    assertThat(r.z()).isEqualTo(s.zLoss()).isPositive();
    assertThat(r.dropped()).isZero();
  }

  @Test
  void paramsAreViewsOfTheNetworksFlatVector() {
    ComputationGraph net = Nets.around(layer(), C, T);
    INDArray router = net.getLayer("layer").getParam(MoeParams.ROUTER);
    net.params().assign(0.25);
    assertThat(router.getDouble(1, 2)).isEqualTo(0.25);
  }

  /** [B, C, T] → [B·T, C] rows, sequence-major. */
  static INDArray tokens(INDArray ncw) {
    return ncw.permute(0, 2, 1).dup('c').reshape(ncw.size(0) * ncw.size(2), ncw.size(1));
  }
}
