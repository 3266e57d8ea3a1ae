package org.moespark.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeFfn;
import org.moespark.model.MoeParams;
import org.moespark.model.MoeStats;
import org.moespark.model.ParamBuffer;
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

  /** Parity with the core MoE FFN (see Nets.assertMatchesCore), and the router losses in the score. */
  @Test
  void matchesTheCoreModelWithTheSameWeights() {
    ComputationGraph net = Nets.around(layer(), C, T);
    CoreLayerImpl dl4j = (CoreLayerImpl) net.getLayer("layer");
    ModelConfig cfg = ((CoreLayer) dl4j.conf().getLayer()).modelConfig();
    ParamBuffer.Builder b = ParamBuffer.builder();
    MoeParams.addTo(b, "", cfg, cfg.experts());
    ParamBuffer pb = b.allocate(DataType.DOUBLE);
    MoeFfn core = new MoeFfn(cfg, MoeParams.of(pb, ""), 1);

    Nets.assertMatchesCore(dl4j, pb, x -> core.forward(x, B, true), core::backward, B, T);

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
}
