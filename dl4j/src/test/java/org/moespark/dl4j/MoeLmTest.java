package org.moespark.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.moespark.config.PipelineConfig;
import org.moespark.model.ModelConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/** The whole LM from DL4J parts: embedding → MoE blocks → RMSNorm → sparse-CE head. */
class MoeLmTest {
  @Test
  void gradientCheckOfTheWholeNetworkFloat64() {
    PipelineConfig cfg = PipelineConfig.load(null, List.of("model.d-model=4", "model.heads=2", "model.layers=2",
        "model.ffn-hidden=3", "model.experts=4", "model.top-k=2", "model.init-std=0.5",
        "model.seq-aux-coef=0.05", "train.weight-decay=0", "train.clip-norm=0"));
    ModelConfig d = cfg.model();
    // vocabulary 11 and 3 positions (below what a tokenizer config allows): few embedding rows to check
    ModelConfig m = new ModelConfig(11, d.dModel(), d.layers(), d.heads(), 3, d.ffnHidden(), d.experts(),
        d.topK(), d.router(), d.normalizeGates(), d.jitter(), d.capacityFactor(), d.sharedExperts(),
        d.sharedHidden(), d.moeEvery(), d.auxCoef(), d.seqAuxCoef(), d.zCoef(), d.biasRate(), d.dense(),
        d.tieEmbeddings(), d.ropeTheta(), d.normEps(), d.initStd());
    ComputationGraph net = new ComputationGraph(
        MoeLm.configuration(m, cfg.train(), DataType.DOUBLE, new NoOp()));
    net.init();
    DataSet ds = Batches.of(new int[][] {{1, 5, 10, 2}, {7, 3, 3, 0}});
    DataType before = Nd4j.dataType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      assertThat(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
          .inputs(new org.nd4j.linalg.api.ndarray.INDArray[] {ds.getFeatures().castTo(DataType.DOUBLE)})
          .labels(new org.nd4j.linalg.api.ndarray.INDArray[] {ds.getLabels().castTo(DataType.DOUBLE)})
          .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
          .print(GradientCheckUtil.PrintMode.FAILURES_ONLY))).isTrue();
    } finally {
      Nd4j.setDefaultDataTypes(before, before);
    }
  }
}
