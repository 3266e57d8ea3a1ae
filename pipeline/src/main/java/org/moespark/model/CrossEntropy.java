package org.moespark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mean next-token cross-entropy {@code −(1/N)·Σ log p[n, y_n]}, {@code p = softmax(logits)}.
 * Works in place on the logits buffer (softmax then −log p[y]: the fastest path, DESIGN §6; float32
 * on the host's vector kernels, {@link RowKernels}, 2.6-3× ND4J's softmax);
 * backward turns the same buffer into {@code p − onehot(y)}, and the mean's {@code 1/N} is left to
 * the caller ({@link #gradScale}): the LM head folds it into its GEMMs' alpha, which saves a whole
 * pass over the [N, V] logits (33M elements on conf/bench.conf).
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
    if (logits.dataType() == DataType.FLOAT) {
      RowKernels.softmaxRows(logits, false);
    } else {
      Nd4j.exec(new SoftMax(logits, logits, -1));
    }
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

  /** Returns {@code dlogits / gradScale() = p − onehot(y)} [N, V], in the buffer forward was given. */
  INDArray backward() {
    HostRows.addAt(probs, targets, -1);
    return probs;
  }

  /** {@code 1/N}: the factor of {@link #backward}'s result that gives dlogits for a loss weight of 1. */
  double gradScale() {
    return 1.0 / targets.length;
  }
}
