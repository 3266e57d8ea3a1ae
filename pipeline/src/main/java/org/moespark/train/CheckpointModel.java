package org.moespark.train;

import java.util.ArrayList;
import java.util.List;
import org.moespark.model.ModelConfig;

/**
 * The model a checkpoint holds, as a reader needs it to run the forward pass: the dense twin says
 * {@code dense = true} with its FFN width and no experts, whatever the MoE config it was derived
 * from. Downstream stages ({@code route}, {@code analyze}, {@code report}) take experts, top-k and
 * the MoE layers from here.
 *
 * @param denseFfnHidden hidden width of the dense SwiGLU FFNs (every layer of a dense model, the
 *     non-MoE layers of an MoE model)
 * @param expertHidden hidden width of one expert (0 for a dense model)
 * @param sharedHidden hidden width of one shared expert (0 without shared experts)
 * @param moeLayers 0-based indices of the layers with an MoE FFN (empty for a dense model)
 * @param router {@code softmax} or {@code sigmoid}; null for a dense model
 */
public record CheckpointModel(
    String variant,
    boolean dense,
    int vocabSize,
    int dModel,
    int layers,
    int heads,
    int seqLen,
    int denseFfnHidden,
    int experts,
    int topK,
    int expertHidden,
    int sharedExperts,
    int sharedHidden,
    String router,
    boolean normalizeGates,
    boolean tieEmbeddings,
    double ropeTheta,
    double normEps,
    List<Integer> moeLayers) {

  public static CheckpointModel of(ModelConfig m) {
    List<Integer> moe = new ArrayList<>();
    for (int i = 0; i < m.layers(); i++) {
      if (m.isMoeLayer(i)) {
        moe.add(i);
      }
    }
    boolean d = m.dense();
    return new CheckpointModel(TrainStage.variantName(m), d, m.vocabSize(), m.dModel(), m.layers(),
        m.heads(), m.seqLen(), m.denseFfnHidden(), d ? 0 : m.experts(), d ? 0 : m.topK(),
        d ? 0 : m.ffnHidden(), d ? 0 : m.sharedExperts(), d || m.sharedExperts() == 0 ? 0 : m.sharedHidden(),
        d ? null : m.router().name().toLowerCase(), !d && m.normalizeGates(), m.tieEmbeddings(),
        m.ropeTheta(), m.normEps(), List.copyOf(moe));
  }
}
