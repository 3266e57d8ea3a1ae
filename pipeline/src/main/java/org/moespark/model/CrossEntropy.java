package org.moespark.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mean next-token cross-entropy {@code −(1/N)·Σ log p[n, y_n]}, {@code p = softmax(logits)}.
 * Works in place on the logits buffer (softmax then −log p[y]: the fastest path, DESIGN §6);
 * backward turns the same buffer into {@code dlogits = (p − onehot(y))/N}.
 */
final class CrossEntropy {
  /** Floor for p[y] so a float underflow cannot give an infinite loss. */
  private static final double MIN_P = 1e-30;

  private INDArray probs;
  private int[] targets;
  private double[] losses = new double[0];

  /** logits [N, V] (overwritten with probabilities), targets [N] → mean loss. */
  double forward(INDArray logits, int[] targets) {
    this.probs = logits;
    this.targets = targets;
    Nd4j.exec(new SoftMax(logits, logits, -1));
    double[] picked = HostRows.pick(logits, targets);
    if (losses.length != picked.length) {
      losses = new double[picked.length];
    }
    double sum = 0;
    for (int n = 0; n < picked.length; n++) {
      losses[n] = -Math.log(Math.max(picked[n], MIN_P));
      sum += losses[n];
    }
    return sum / targets.length;
  }

  /** Per-token losses −log p[n, y_n] of the last forward [N] (reused by the next forward). */
  double[] losses() {
    return losses;
  }

  /** Returns dlogits [N, V] for a loss weight of 1, in the buffer forward was given. */
  INDArray backward() {
    double inv = 1.0 / targets.length;
    probs.muli(inv);
    HostRows.addAt(probs, targets, -inv);
    return probs;
  }
}
