package org.moespark.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.moespark.model.ParamBuffer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Tiny float64 graphs around one layer under test, and the checks the tests share. */
final class Nets {
  private Nets() {}

  /** in [B, C, T] (NCW) → {@code layer} → an MSE RnnOutputLayer of width C; float64, no updater. */
  static ComputationGraph around(CoreLayer layer, int c, int t) {
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(11).dataType(DataType.DOUBLE).updater(new NoOp())
        .graphBuilder()
        .addInputs("in").setInputTypes(InputType.recurrent(c, t))
        .addLayer("layer", layer, "in")
        .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
            .activation(Activation.IDENTITY).nOut(c).build(), "layer")
        .setOutputs("out")
        .build();
    ComputationGraph net = new ComputationGraph(conf);
    net.init();
    net.initGradientsView();
    return net;
  }

  /** DL4J's finite-difference check of every parameter of {@code net}, float64. */
  static void assertGradientsPass(ComputationGraph net, INDArray in, INDArray labels) {
    DataType before = Nd4j.dataType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    boolean ok;
    try {
      ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
        .inputs(new INDArray[] {in}).labels(new INDArray[] {labels})
        .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
          .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    } finally {
      Nd4j.setDefaultDataTypes(before, before);
    }
    assertThat(ok).as("GradientCheckUtil").isTrue();
  }

  /** max|a − b| ≤ rel · max|b|. */
  static void assertClose(String what, INDArray a, INDArray b, double rel) {
    assertThat(a.shape()).as(what + " shape").isEqualTo(b.shape());
    double scale = b.amaxNumber().doubleValue();
    double err = a.sub(b).amaxNumber().doubleValue();
    assertThat(err).as(what + ": max abs error vs scale " + scale).isLessThanOrEqualTo(rel * scale);
  }

  /**
   * The configuration survives JSON (a custom layer carries DL4J's {@code @class}), and a graph
   * built from it over the same parameters gives the same output.
   */
  static void assertJsonRoundTrip(ComputationGraph net, INDArray in) {
    String json = net.getConfiguration().toJson();
    org.deeplearning4j.nn.conf.layers.Layer layer = net.getLayer("layer").conf().getLayer();
    assertThat(json).contains("\"@class\" : \"" + layer.getClass().getName() + "\"");
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
    assertThat(back.toJson()).isEqualTo(json);
    ComputationGraph restored = new ComputationGraph(back);
    restored.init(net.params().dup(), false);
    CoreLayer restoredLayer = (CoreLayer) restored.getLayer("layer").conf().getLayer();
    assertThat(restoredLayer.modelConfig()).isEqualTo(((CoreLayer) layer).modelConfig());
    assertThat(restoredLayer.dataFormat()).isEqualTo(((CoreLayer) layer).dataFormat());
    assertThat(restored.outputSingle(in)).isEqualTo(net.outputSingle(in));
  }

  /**
   * Same weights (the layer's, copied into {@code pb}, which the core reads), same input: DL4J's
   * output equals the core's, and DL4J's gradients for an epsilon r (the gradient of a loss summed
   * over tokens) are N times the core's for r/N plus the router losses (DL4J's updater divides by
   * the minibatch; see CoreLayerImpl).
   */
  static void assertMatchesCore(CoreLayerImpl dl4j, ParamBuffer pb, UnaryOperator<INDArray> coreForward,
      UnaryOperator<INDArray> coreBackward, int b, int t) {
    pb.params().assign(dl4j.params().reshape(pb.size()));
    int c = (int) ((CoreLayer) dl4j.conf().getLayer()).getNIn();
    Nd4j.getRandom().setSeed(5);
    INDArray in = Nd4j.randn(DataType.DOUBLE, b, c, t);
    INDArray r = Nd4j.randn(DataType.DOUBLE, b, c, t);
    int n = b * t;
    INDArray yDl4j = dl4j.activate(in, true, LayerWorkspaceMgr.noWorkspaces());
    Pair<Gradient, INDArray> back = dl4j.backpropGradient(r, LayerWorkspaceMgr.noWorkspaces());
    INDArray yCore = coreForward.apply(tokens(in));
    INDArray dxCore = coreBackward.apply(tokens(r).divi(n)).mul(n);
    assertClose("output", tokens(yDl4j), yCore, 1e-5);
    assertClose("input gradient", tokens(back.getSecond()), dxCore, 1e-5);
    Map<String, INDArray> grads = back.getFirst().gradientForVariable();
    assertThat(grads.keySet()).containsExactlyElementsOf(
        pb.slots().stream().map(CoreParamInitializer::key).toList());
    for (ParamBuffer.Slot slot : pb.slots()) {
      assertClose(slot.name(), grads.get(CoreParamInitializer.key(slot)), pb.grad(slot.name()).mul(n), 1e-5);
    }
  }

  /** [B, C, T] → [B·T, C] rows, sequence-major. */
  static INDArray tokens(INDArray ncw) {
    return ncw.permute(0, 2, 1).dup('c').reshape(ncw.size(0) * ncw.size(2), ncw.size(1));
  }
}
