package org.moespark.dl4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.moespark.model.ModelConfig;
import org.moespark.train.CosineSchedule;
import org.moespark.train.TrainConfig;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The moe-spark LM of a {@link ModelConfig} from DL4J parts: DL4J's {@code EmbeddingSequenceLayer}
 * (wte) → one {@link DecoderBlockLayer} per layer (MoE where {@code isMoeLayer}) →
 * {@link RmsNormLayer} (norm_f) → DL4J's {@code RnnOutputLayer} (softmax, sparse cross-entropy;
 * an untied head with a bias: DL4J cannot tie it to the embedding, and M2.1's RnnOutputLayer
 * without a bias fails in {@code output()}). Input {@code tokens} [B, T] ids, labels
 * [B, 1, T] next ids, activations NCW.
 *
 * <p>Optimisation as near the core's as DL4J allows: Adam with the core's warmup + cosine rates
 * (a {@code MapSchedule} by iteration), decoupled weight decay on the decayed slots, the router
 * losses divided by the MoE layer count (as {@code MoeTransformer} does). Differences: gradient
 * clipping is per layer (DL4J's {@code ClipL2PerLayer}), not global; no router learning-rate scale;
 * no DeepSeek bias update.
 */
public final class MoeLm {
  public static final String INPUT = "tokens";

  private MoeLm() {}

  public static ComputationGraphConfiguration configuration(ModelConfig m, TrainConfig tc) {
    return configuration(m, tc, DataType.FLOAT, Adam.builder().learningRateSchedule(schedule(tc))
        .beta1(tc.beta1()).beta2(tc.beta2()).epsilon(tc.eps()).build());
  }

  /** With another dtype and updater (gradient checks: float64, no updater). */
  static ComputationGraphConfiguration configuration(ModelConfig m, TrainConfig tc, DataType type,
      IUpdater updater) {
    int moeLayers = 0;
    for (int i = 0; i < m.layers(); i++) {
      moeLayers += m.isMoeLayer(i) ? 1 : 0;
    }
    double scale = 1.0 / Math.max(1, moeLayers);
    NormalDistribution init = new NormalDistribution(0, m.initStd());
    ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
        .seed(tc.seed())
        .dataType(type)
        .updater(updater)
        .weightDecay(tc.weightDecay())
        .gradientNormalization(tc.clipNorm() > 0 ? GradientNormalization.ClipL2PerLayer
            : GradientNormalization.None)
        .gradientNormalizationThreshold(tc.clipNorm())
        .graphBuilder()
        .addInputs(INPUT)
        // No setInputTypes: DL4J would override the embedding's nIn (V) with the id width 1.
        .addLayer("embed", new EmbeddingSequenceLayer.Builder().nIn(m.vocabSize()).nOut(m.dModel())
            .inputLength(m.seqLen()).hasBias(false).weightInit(init).outputDataFormat(RNNFormat.NCW)
            .regularization(List.of()).build(), INPUT);
    String last = "embed";
    for (int i = 0; i < m.layers(); i++) {
      String name = "block" + i;
      g.addLayer(name, new DecoderBlockLayer.Builder().nIn(m.dModel()).heads(m.heads())
          .ropeTheta(m.ropeTheta()).normEps(m.normEps()).moe(m.isMoeLayer(i))
          .ffnHidden(m.ffnHidden()).experts(m.experts()).topK(m.topK()).router(m.router())
          .normalizeGates(m.normalizeGates()).jitter(m.jitter()).capacityFactor(m.capacityFactor())
          .sharedExperts(m.sharedExperts(), m.sharedHidden())
          .routerLosses(m.auxCoef() * scale, m.seqAuxCoef() * scale, m.zCoef() * scale)
          .initStd(m.initStd()).depth(m.layers()).build(), last);
      last = name;
    }
    return g.addLayer("norm", new RmsNormLayer.Builder().nIn(m.dModel()).normEps(m.normEps())
            .depth(m.layers()).build(), last)
        .addLayer("head", new RnnOutputLayer.Builder(new LossSparseMCXENT()).activation(Activation.SOFTMAX)
            .nIn(m.dModel()).nOut(m.vocabSize()).weightInit(init)
            .dataFormat(RNNFormat.NCW).build(), "norm")
        .setOutputs("head")
        .build();
  }

  /** The core's {@link CosineSchedule}, one entry per step. */
  static MapSchedule schedule(TrainConfig tc) {
    CosineSchedule s = CosineSchedule.of(tc);
    Map<Integer, Double> lr = new HashMap<>();
    for (int step = 0; step <= tc.steps(); step++) {
      lr.put(step, s.at(step));
    }
    return new MapSchedule(ScheduleType.ITERATION, lr);
  }
}
