package org.moespark.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The README's example (smaller widths): an MoE FFN added to an existing recurrent graph trains. */
class ReadmeExampleTest {
  @Test
  void theReadmeGraphBuildsAndItsLossFalls() {
    int c = 16;
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(42).updater(new Adam(1e-2))
        .graphBuilder()
        .addInputs("in").setInputTypes(InputType.recurrent(c))
        .addLayer("lstm", new LSTM.Builder().nIn(c).nOut(c).build(), "in")
        .addLayer("moe", new MoeLayer.Builder().nIn(c)
            .experts(4).topK(2).ffnHidden(32)
            .capacityFactor(0)
            .routerLosses(0.01, 0, 0.001)
            .build(), "lstm")
        .addVertex("residual", new ElementWiseVertex(ElementWiseVertex.Op.Add), "lstm", "moe")
        .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .activation(Activation.SOFTMAX).nIn(c).nOut(3).build(), "residual")
        .setOutputs("out").build();
    ComputationGraph net = new ComputationGraph(conf);
    net.init();
    RouterLossListener listener = new RouterLossListener(10);
    net.setListeners(listener);

    Nd4j.getRandom().setSeed(1);
    INDArray x = Nd4j.randn(DataType.FLOAT, 4, c, 5);
    // class = sign pattern of the first input channel: learnable through LSTM + MoE
    INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 3, 5);
    for (int b = 0; b < 4; b++) {
      for (int t = 0; t < 5; t++) {
        y.putScalar(new int[] {b, x.getDouble(b, 0, t) > 0 ? 0 : 1, t}, 1);
      }
    }
    DataSet ds = new DataSet(x, y);
    double first = net.score(ds);
    for (int i = 0; i < 15; i++) {
      net.fit(ds);
    }
    assertThat(net.score(ds)).isLessThan(first);
    assertThat(listener.last().layers()).isEqualTo(1);
  }
}
