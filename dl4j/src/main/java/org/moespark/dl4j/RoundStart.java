package org.moespark.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Puts a dl4j-spark worker's network at the global step of its averaging round. The worker builds
 * its network from {@code ComputationGraphConfiguration.clone()}, which in DL4J 1.0.0-M2.1 does not
 * copy the iteration count, so without this every round runs at iteration 0: the {@link MoeLm}
 * schedule's first warmup rate (lr/warmup) and Adam's first-step bias correction on every step.
 * Applied before the round's first fit; later fits of the round advance the count themselves.
 */
final class RoundStart implements TrainingHook {
  private static final long serialVersionUID = 1L;
  private final int step;

  /** {@code step}: 0-based global step of the round's first minibatch. */
  RoundStart(int step) {
    this.step = step;
  }

  void apply(Model model) {
    if (model instanceof ComputationGraph g) {
      ComputationGraphConfiguration c = g.getConfiguration();
      if (c.getIterationCount() < step) {
        c.setIterationCount(step);
      }
    }
  }

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    apply(model);
  }

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    apply(model);
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {}

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {}
}
