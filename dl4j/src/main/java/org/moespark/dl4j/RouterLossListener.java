package org.moespark.dl4j;

import java.io.Serializable;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.moespark.model.MoeStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the router losses the MoE layers added to the score and the gradient: after each
 * iteration, the unweighted aux, sequence-aux and z losses averaged over the MoE layers (as the
 * core's {@code LossParts}) and the dropped pairs summed, logged every {@code every} iterations
 * and kept as {@link #last()}.
 */
public final class RouterLossListener extends BaseTrainingListener implements Serializable {
  private static final Logger LOG = LoggerFactory.getLogger(RouterLossListener.class);

  /** Router losses of one iteration, averaged over {@code layers} MoE layers. */
  public record RouterLosses(int iteration, double aux, double seqAux, double z, long dropped,
      int layers) implements Serializable {}

  private final int every;
  private RouterLosses last;

  public RouterLossListener(int every) {
    this.every = every;
  }

  /** The last iteration's losses, or null before the first (or without MoE layers). */
  public RouterLosses last() {
    return last;
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    last = of(model, iteration);
    if (last != null && every > 0 && iteration % every == 0) {
      LOG.info("iteration {}: score {} aux {} seq-aux {} z {} dropped {}", iteration,
          model.score(), last.aux(), last.seqAux(), last.z(), last.dropped());
    }
  }

  /** The router losses of the last forward of {@code model}'s MoE layers; null without any. */
  public static RouterLosses of(Model model, int iteration) {
    Layer[] layers = model instanceof ComputationGraph g ? g.getLayers()
        : model instanceof MultiLayerNetwork m ? m.getLayers() : new Layer[0];
    double aux = 0;
    double seqAux = 0;
    double z = 0;
    long dropped = 0;
    int n = 0;
    for (Layer l : layers) {
      MoeStats s = l instanceof CoreLayerImpl c ? c.stats() : null;
      if (s != null) {
        aux += s.auxLoss();
        seqAux += s.seqAuxLoss();
        z += s.zLoss();
        dropped += s.droppedTokens();
        n++;
      }
    }
    return n == 0 ? null : new RouterLosses(iteration, aux / n, seqAux / n, z / n, dropped, n);
  }
}
