package org.moespark.model.moe;

import java.util.Arrays;
import org.moespark.model.Gemm;
import org.moespark.model.ModelConfig;
import org.moespark.model.RowRanges;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The MoE router: logits {@code l = x·W} [N, E] by one GEMM, then per token in Java (E is
 * small): scores {@code s} = softmax(l) (Switch, Mixtral) or sigmoid(l) (DeepSeek-V3); top-k by
 * {@code s + bias} (the DeepSeek-V3 auxiliary-loss-free bias steers SELECTION only); gates from
 * the unbiased scores, renormalised over the top-k when {@code normalizeGates} and K > 1
 * (for sigmoid that is DeepSeek-V3's {@code g = s/Σ_topk s}). Ranks are ordered by selection
 * score, ties to the lower expert id.
 *
 * <p>{@link #probs()} is the per-token expert distribution the balance losses see: softmax
 * scores, or sigmoid scores normalised over all E experts (DeepSeek-V3 eq. 19).
 *
 * <p>Training-time jitter multiplies the router input by U(1 − ε, 1 + ε) (Switch Transformer);
 * only the router sees it.
 */
public final class TopKRouter {
  /**
   * Per token and expert, the cost of the router's host loops in the unit {@link RowRanges} sizes
   * its ranges by (an element of a row copy): an exponential takes some 12 ns, about 16 of those.
   */
  private static final int COST_PER_EXPERT = 16;
  private final boolean softmax;
  private final int experts;
  private final int k;
  private final boolean normalize;
  private final double jitter;
  private final INDArray w;
  private final INDArray wGrad;
  private final INDArray bias;
  private final Random rng;
  private final double[] biasHost;
  private int n = -1;
  private INDArray in;
  private INDArray jittered;
  private INDArray noise;
  private INDArray dxTmp;
  private INDArray logitsArr;
  private INDArray dLogitsArr;
  private boolean jitterOn;
  private double[] logits;
  private double[] scores;
  private double[] probs;
  private double[] lse;
  private double[] softmaxOfLogits;
  private double[] dScores;
  private int[] expert;
  private double[] gate;

  /**
   * @param w router weights [C, E]; {@code bias} [E] selection bias (no gradient)
   * @param seed seed of the jitter noise
   */
  public TopKRouter(ModelConfig cfg, INDArray w, INDArray wGrad, INDArray bias, long seed) {
    Preconditions.checkArgument(w.rank() == 2 && w.columns() == cfg.experts(),
        "router must be [C, E=%s], got %s", cfg.experts(), w.shapeInfoToString());
    this.softmax = cfg.router() == ModelConfig.Router.SOFTMAX;
    this.experts = cfg.experts();
    this.k = cfg.topK();
    this.normalize = cfg.normalizeGates() && k > 1;
    this.jitter = cfg.jitter();
    this.w = w;
    this.wGrad = wGrad;
    this.bias = bias;
    this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    this.biasHost = new double[experts];
  }

  private void ensure(int tokens) {
    if (tokens == n) {
      return;
    }
    n = tokens;
    logitsArr = Nd4j.create(w.dataType(), tokens, experts);
    dLogitsArr = Nd4j.create(w.dataType(), tokens, experts);
    logits = new double[tokens * experts];
    scores = new double[tokens * experts];
    probs = new double[tokens * experts];
    lse = new double[tokens];
    softmaxOfLogits = softmax ? scores : new double[tokens * experts];
    dScores = new double[tokens * experts];
    expert = new int[tokens * k];
    gate = new double[tokens * k];
    jittered = null;
  }

  public void forward(INDArray x, boolean training) {
    ensure((int) x.rows());
    jitterOn = training && jitter > 0;
    in = x;
    if (jitterOn) {
      if (jittered == null) {
        jittered = x.ulike();
        noise = x.ulike();
        dxTmp = x.ulike();
      }
      Nd4j.getExecutioner().exec(new UniformDistribution(noise, 1 - jitter, 1 + jitter), rng);
      Nd4j.exec(new MulOp(x, noise, jittered));
      in = jittered;
    }
    Gemm.exec(in, w, logitsArr, false, false, 1.0, 0.0);
    HostArrays.read(logitsArr, logits);
    for (int e = 0; e < experts; e++) {
      biasHost[e] = bias.getDouble(e);
    }
    RowRanges.forEach(n, COST_PER_EXPERT * experts, (from, to) -> {
      boolean[] taken = new boolean[experts];
      for (int t = from; t < to; t++) {
        scoreToken(t);
        selectToken(t, taken);
      }
    });
  }

  private void scoreToken(int t) {
    int o = t * experts;
    if (softmax) {
      double max = Double.NEGATIVE_INFINITY;
      for (int e = 0; e < experts; e++) {
        max = Math.max(max, logits[o + e]);
      }
      double sum = 0;
      for (int e = 0; e < experts; e++) {
        scores[o + e] = Math.exp(logits[o + e] - max);
        sum += scores[o + e];
      }
      for (int e = 0; e < experts; e++) {
        scores[o + e] /= sum;
        probs[o + e] = scores[o + e];
      }
      lse[t] = max + Math.log(sum);
    } else {
      lse[t] = RouterZLoss.logSumExp(logits, o, experts);
      double sum = 0;
      for (int e = 0; e < experts; e++) {
        scores[o + e] = 1 / (1 + Math.exp(-logits[o + e]));
        sum += scores[o + e];
      }
      for (int e = 0; e < experts; e++) {
        probs[o + e] = scores[o + e] / sum;
      }
    }
  }

  /** Top-k by biased score, K passes over E (K, E small); gates from unbiased scores. */
  private void selectToken(int t, boolean[] taken) {
    int o = t * experts;
    int g = t * k;
    double sum = 0;
    for (int r = 0; r < k; r++) {
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int e = 0; e < experts; e++) {
        double sel = scores[o + e] + biasHost[e];
        if (sel > bestScore && !taken[e]) {
          best = e;
          bestScore = sel;
        }
      }
      taken[best] = true;
      expert[g + r] = best;
      gate[g + r] = scores[o + best];
      sum += gate[g + r];
    }
    for (int r = 0; r < k; r++) {
      taken[expert[g + r]] = false;
      if (normalize) {
        gate[g + r] /= sum;
      }
    }
  }

  /**
   * Back through gates and probs to the logits, then to W and x.
   *
   * @param dGate dL/dgate [N·K]
   * @param dProbs dL/dprobs [N·E] (from balance losses), or null
   * @param dLogits dL/dlogits [N·E] from losses on the logits (z-loss); the routed part is added
   *     in place
   * @param dx [N, C], accumulated into (+=)
   */
  public void backward(double[] dGate, double[] dProbs, double[] dLogits, INDArray dx) {
    Arrays.fill(dScores, 0, n * experts, 0.0);
    RowRanges.forEach(n, COST_PER_EXPERT * experts, (from, to) -> {
      for (int t = from; t < to; t++) {
        gateToScores(t, dGate);
        if (dProbs != null) {
          probsToScores(t, dProbs);
        }
        scoresToLogits(t, dLogits);
      }
    });
    HostArrays.write(dLogits, dLogitsArr);
    Gemm.exec(in, dLogitsArr, wGrad, true, false, 1.0, 1.0);
    if (jitterOn) {
      Gemm.exec(dLogitsArr, w, dxTmp, false, true, 1.0, 0.0);
      Nd4j.exec(new MulOp(dxTmp, noise, dxTmp));
      dx.addi(dxTmp);
    } else {
      Gemm.exec(dLogitsArr, w, dx, false, true, 1.0, 1.0);
    }
  }

  private void gateToScores(int t, double[] dGate) {
    int o = t * experts;
    int g = t * k;
    if (!normalize) {
      for (int r = 0; r < k; r++) {
        dScores[o + expert[g + r]] += dGate[g + r];
      }
      return;
    }
    // g_r = s_r / S  ⇒  ∂L/∂s_r = (dg_r − Σ_j dg_j·g_j) / S
    double sum = 0;
    double dot = 0;
    for (int r = 0; r < k; r++) {
      sum += scores[o + expert[g + r]];
      dot += dGate[g + r] * gate[g + r];
    }
    for (int r = 0; r < k; r++) {
      dScores[o + expert[g + r]] += (dGate[g + r] - dot) / sum;
    }
  }

  private void probsToScores(int t, double[] dProbs) {
    int o = t * experts;
    if (softmax) {
      for (int e = 0; e < experts; e++) {
        dScores[o + e] += dProbs[o + e];
      }
      return;
    }
    double sum = 0;
    double dot = 0;
    for (int e = 0; e < experts; e++) {
      sum += scores[o + e];
      dot += dProbs[o + e] * probs[o + e];
    }
    for (int e = 0; e < experts; e++) {
      dScores[o + e] += (dProbs[o + e] - dot) / sum;
    }
  }

  private void scoresToLogits(int t, double[] dLogits) {
    int o = t * experts;
    if (softmax) {
      double dot = 0;
      for (int e = 0; e < experts; e++) {
        dot += scores[o + e] * dScores[o + e];
      }
      for (int e = 0; e < experts; e++) {
        dLogits[o + e] += scores[o + e] * (dScores[o + e] - dot);
      }
    } else {
      for (int e = 0; e < experts; e++) {
        dLogits[o + e] += dScores[o + e] * scores[o + e] * (1 - scores[o + e]);
      }
    }
  }

  public int tokens() {
    return n;
  }

  public int experts() {
    return experts;
  }

  public int topK() {
    return k;
  }

  /** Router logits [N·E], token-major. */
  public double[] logits() {
    return logits;
  }

  /** Per-token {@code log Σ_e exp(l[n, e])} [N] of the logits: the z-loss's (RouterZLoss). */
  public double[] logSumExp() {
    return lse;
  }

  /**
   * softmax(l_n) [N·E] of the last forward's logits, for the z-loss gradient: the scores
   * themselves for the softmax router, {@code exp(l − lse)} for the sigmoid one.
   */
  public double[] softmaxOfLogits() {
    if (!softmax) {
      for (int t = 0; t < n; t++) {
        for (int e = 0; e < experts; e++) {
          softmaxOfLogits[t * experts + e] = Math.exp(logits[t * experts + e] - lse[t]);
        }
      }
    }
    return softmaxOfLogits;
  }

  /** Unbiased scores [N·E]: softmax or sigmoid of the logits. */
  public double[] scores() {
    return scores;
  }

  /** The per-token expert distribution [N·E] the balance losses use. */
  public double[] probs() {
    return probs;
  }

  /** Selected experts [N·K], index {@code n·K + rank}. */
  public int[] expert() {
    return expert;
  }

  /** Gate values [N·K], same indexing as {@link #expert()}. */
  public double[] gate() {
    return gate;
  }
}
