package org.moespark.train;

import java.util.ArrayList;
import java.util.List;
import org.moespark.model.ParamBuffer;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * AdamW (Loshchilov & Hutter 2019) on the flat parameter buffer, in PyTorch's order:
 * {@code p ← p − lr·wd·p} (decoupled decay, only on slots added with {@code add}, not
 * {@code addNoDecay}); {@code m ← β1·m + (1−β1)·g}; {@code v ← β2·v + (1−β2)·g²};
 * {@code p ← p − lr/(1−β1ᵗ) · m / (√(v/(1−β2ᵗ)) + ε)}. Ten whole-buffer ops per step (BLAS
 * axpy and pairwise ops into one preallocated temporary), no per-parameter loop. {@link ParamBuffer.Role#SELECTION_ONLY} slots (DeepSeek's expert bias):
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
      if (s.role() == ParamBuffer.Role.SELECTION_ONLY) {
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
    Level1 blas = Nd4j.getBlasWrapper().level1();
    long n = p.length();
    if (weightDecay > 0) {
      Nd4j.exec(new MulOp(p, decayMask, tmp));
      blas.axpy(n, -lr * weightDecay, tmp, p);
    }
    m.muli(beta1);
    blas.axpy(n, 1 - beta1, g, m);
    Nd4j.exec(new MulOp(g, g, tmp));
    v.muli(beta2);
    blas.axpy(n, 1 - beta2, tmp, v);
    double bc1 = 1 - Math.pow(beta1, t);
    double bc2 = 1 - Math.pow(beta2, t);
    // √(v/bc2) + ε = (√v + ε·√bc2)/√bc2, so the update is lr·√bc2/bc1 · m/(√v + ε·√bc2)
    Nd4j.exec(new Sqrt(v, tmp));
    tmp.addi(eps * Math.sqrt(bc2));
    Nd4j.exec(new DivOp(m, tmp, tmp));
    if (lrMask != null) {
      Nd4j.exec(new MulOp(tmp, lrMask, tmp));
    }
    blas.axpy(n, -lr * Math.sqrt(bc2) / bc1, tmp, p);
  }

  /** Multiplies the learning rate of the slots of {@code role} by {@code scale} (e.g. the router's). */
  public AdamW scaleLr(ParamBuffer.Role role, double scale) {
    if (scale == 1) {
      return this;
    }
    if (lrMask == null) {
      lrMask = Nd4j.ones(pb.dataType(), pb.size());
    }
    for (ParamBuffer.Slot s : pb.slots()) {
      if (s.role() == role) {
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
}
