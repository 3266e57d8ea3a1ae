package org.moespark.dl4j;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.moespark.model.LossParts;
import org.moespark.model.ModelConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The core's loss parts ({@link LossParts}: per-token cross-entropy, router losses averaged over
 * the MoE layers, the weighted total) of a {@link MoeLm} network over sequences, in evaluation
 * mode, batch by batch: the same numbers the other engines write to {@code metrics/}.
 */
final class LmLoss {
  private LmLoss() {}

  static LossParts of(ComputationGraph net, ModelConfig m, int[][] seqs, int batch) {
    double ce = 0;
    double aux = 0;
    double seqAux = 0;
    double z = 0;
    long tokens = 0;
    for (int from = 0; from < seqs.length; from += batch) {
      int[][] part = java.util.Arrays.copyOfRange(seqs, from, Math.min(seqs.length, from + batch));
      DataSet ds = Batches.of(part);
      INDArray probs = net.outputSingle(false, ds.getFeatures());
      INDArray next = ds.getLabels();
      long n = 0;
      for (int s = 0; s < part.length; s++) {
        for (int p = 0; p < probs.size(2); p++) {
          ce -= Math.log(Math.max(probs.getDouble(s, next.getInt(s, 0, p), p), 1e-30));
          n++;
        }
      }
      RouterLossListener.RouterLosses r = RouterLossListener.of(net, 0);
      if (r != null) {
        aux += r.aux() * n;
        seqAux += r.seqAux() * n;
        z += r.z() * n;
      }
      tokens += n;
    }
    ce /= tokens;
    aux /= tokens;
    seqAux /= tokens;
    z /= tokens;
    return new LossParts(ce, aux, seqAux, z,
        ce + m.auxCoef() * aux + m.seqAuxCoef() * seqAux + m.zCoef() * z);
  }
}
