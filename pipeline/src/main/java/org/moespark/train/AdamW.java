package org.moespark.train;

import java.util.ArrayList;
import java.util.List;
import org.moespark.model.MoeTransformer;
import org.moespark.model.ParamBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AdamW (Loshchilov & Hutter 2019) on the flat parameter buffer, in PyTorch's order:
 * {@code p ← p − lr·wd·p} (decoupled decay, only on slots added with {@code add}, not
 * {@code addNoDecay}); {@code m ← β1·m + (1−β1)·g}; {@code v ← β2·v + (1−β2)·g²};
 * {@code p ← p − lr/(1−β1ᵗ) · m / (√(v/(1−β2ᵗ)) + ε)}. A handful of whole-buffer ops per step,
 * no per-parameter loop. Slots ending in {@link MoeTransformer.EXPERT_BIAS} are selection-only:
 * their gradient is zeroed, so they are neither updated nor decayed here.
 */
public final class AdamW {
  private final ParamBuffer pb;
  private final double weightDecay;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final INDArray m;
  private final INDArray v;
  private final INDArray tmp;
  private final INDArray decayMask;
  private final List<INDArray> frozenGrads = new ArrayList<>();
  private INDArray lrMask;
  private long t;

  public AdamW(ParamBuffer pb, TrainConfig tc) {
    this(pb, tc.weightDecay(), tc.beta1(), tc.beta2(), tc.eps());
  }

  public AdamW(ParamBuffer pb, double weightDecay, double beta1, double beta2, double eps) {
    this.pb = pb;
    this.weightDecay = weightDecay;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    long n = pb.size();
    m = Nd4j.zeros(pb.dataType(), n);
    v = Nd4j.zeros(pb.dataType(), n);
    tmp = Nd4j.zeros(pb.dataType(), n);
    decayMask = Nd4j.zeros(pb.dataType(), n);
    for (ParamBuffer.Slot s : pb.slots()) {
      boolean frozen = s.name().endsWith(MoeTransformer.EXPERT_BIAS);
      if (frozen) {
        frozenGrads.add(pb.grad(s.name()));
      } else if (s.decay()) {
        decayMask.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(s.offset(), s.offset() + s.length()))
            .assign(1.0);
      }
    }
  }

  /** One update with learning rate {@code lr} from {@code pb.grads()}. */
  public void step(double lr) {
    t++;
    INDArray p = pb.params();
    INDArray g = pb.grads();
    for (INDArray fg : frozenGrads) {
      fg.assign(0);
    }
    if (weightDecay > 0) {
      p.subi(tmp.assign(p).muli(decayMask).muli(lr * weightDecay));
    }
    m.muli(beta1).addi(tmp.assign(g).muli(1 - beta1));
    v.muli(beta2).addi(tmp.assign(g).muli(g).muli(1 - beta2));
    double bc1 = 1 - Math.pow(beta1, t);
    double bc2 = 1 - Math.pow(beta2, t);
    Transforms.sqrt(tmp.assign(v).muli(1 / bc2), false).addi(eps).rdivi(m);
    tmp.muli(lr / bc1);
    if (lrMask != null) {
      tmp.muli(lrMask);
    }
    p.subi(tmp);
  }

  /** Multiplies the learning rate of the slots {@code which} selects by {@code scale} (e.g. the router's). */
  public AdamW scaleLr(java.util.function.Predicate<ParamBuffer.Slot> which, double scale) {
    if (scale == 1) {
      return this;
    }
    if (lrMask == null) {
      lrMask = Nd4j.ones(pb.dataType(), pb.size());
    }
    for (ParamBuffer.Slot s : pb.slots()) {
      if (which.test(s)) {
        lrMask.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(s.offset(), s.offset() + s.length()))
            .muli(scale);
      }
    }
    return this;
  }

  /** Steps taken so far (the bias-correction exponent t). */
  public long steps() {
    return t;
  }

  /** First-moment state, same layout as the parameters (for checkpoints). */
  public INDArray firstMoment() {
    return m;
  }

  /** Second-moment state, same layout as the parameters (for checkpoints). */
  public INDArray secondMoment() {
    return v;
  }

  /** Restores the step count after loading the moments from a checkpoint. */
  public void restoreSteps(long steps) {
    this.t = steps;
  }

  /** First-moment estimates, same layout as the parameters (saved in checkpoints). */
  public INDArray m() {
    return m;
  }

  /** Second-moment estimates, same layout as the parameters (saved in checkpoints). */
  public INDArray v() {
    return v;
  }

  /** Continues from a checkpoint taken after {@code steps} updates (m and v loaded separately). */
  public void resumeAt(long steps) {
    t = steps;
  }
}
