package org.moespark.train;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.moespark.model.HostRows;
import org.moespark.model.ParamBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * AdamW (Loshchilov & Hutter 2019) on the flat parameter buffer, in PyTorch's order:
 * {@code p ← p − lr·wd·p} (decoupled decay, only on slots added with {@code add}, not
 * {@code addNoDecay}); {@code m ← β1·m + (1−β1)·g}; {@code v ← β2·v + (1−β2)·g²};
 * {@code p ← p − lr/(1−β1ᵗ) · m / (√(v/(1−β2ᵗ)) + ε)}. One fused pass over the buffer per step
 * ({@link AdamWKernel}: a host loop per slot range, in the buffers' type, chunks spread over the cores),
 * so the cost is one read of p, g, m, v and one write of p, m, v: the optimizer over 8× the
 * expert parameters stays memory-bound instead of ten whole-buffer ND4J passes.
 * {@link ParamBuffer.Role#SELECTION_ONLY} slots (DeepSeek's expert bias): their gradient is
 * zeroed and they are neither updated nor decayed here.
 */
public final class AdamW {
  private final ParamBuffer pb;
  private final double weightDecay;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final INDArray m;
  private final INDArray v;
  private final List<INDArray> frozenGrads = new ArrayList<>();
  private final List<ParamBuffer.Slot> updated = new ArrayList<>();
  private final Map<ParamBuffer.Role, Double> lrScale = new EnumMap<>(ParamBuffer.Role.class);
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
    for (ParamBuffer.Slot s : pb.slots()) {
      if (s.role() == ParamBuffer.Role.SELECTION_ONLY) {
        frozenGrads.add(pb.grad(s.name()));
      } else {
        updated.add(s);
      }
    }
  }

  /** One update with learning rate {@code lr} from {@code pb.grads()}. */
  public void step(double lr) {
    step(lr, 1.0);
  }

  /**
   * One update with learning rate {@code lr} from {@code gradScale · pb.grads()} (the clip factor
   * and the micro-batch mean; the buffer itself is left as it is).
   */
  public void step(double lr, double gradScale) {
    t++;
    for (INDArray fg : frozenGrads) {
      HostRows.zero(fg);
    }
    double bc1 = 1 - Math.pow(beta1, t);
    double bc2 = 1 - Math.pow(beta2, t);
    List<AdamWKernel.Range> ranges = new ArrayList<>(updated.size());
    for (ParamBuffer.Slot s : updated) {
      // the role's scale applies to the Adam step, not to the decoupled decay
      double stepLr = lr * lrScale.getOrDefault(s.role(), 1.0);
      // √(v/bc2) + ε = (√v + ε·√bc2)/√bc2, so the update is lr·√bc2/bc1 · m/(√v + ε·√bc2)
      ranges.add(new AdamWKernel.Range(s.offset(), s.offset() + s.length(),
          s.decay() ? 1 - lr * weightDecay : 1, stepLr * Math.sqrt(bc2) / bc1));
    }
    new AdamWKernel(beta1, beta2, eps * Math.sqrt(bc2)).run(pb.params(), pb.grads(), m, v, ranges,
        gradScale);
  }

  /** Multiplies the learning rate of the slots of {@code role} by {@code scale} (e.g. the router's). */
  public AdamW scaleLr(ParamBuffer.Role role, double scale) {
    lrScale.merge(role, scale, (a, b) -> a * b);
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
