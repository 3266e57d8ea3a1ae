package org.moespark.model;

import java.util.ArrayList;
import java.util.List;
import org.moespark.model.ParamBuffer.Init;
import org.moespark.model.ParamBuffer.Role;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The decoder-only MoE language model (DESIGN §3), written llm.c-style: every module keeps what its
 * backward needs; {@link #backward} accumulates into the flat gradient buffer.
 *
 * <p>Dimension letters: B sequences, T positions, N = B·T tokens, C width, V vocabulary, H heads,
 * F FFN/expert hidden width, E experts, K experts per token. Activations are [N, C] row-major.
 *
 * <p>Parameters live in ONE {@link ParamBuffer} (dense and expert tensors alike, dtype FLOAT for
 * training, DOUBLE for gradient checks). Slot names: {@code wte} [V, C]; per layer i
 * {@code h<i>.norm1}, {@code h<i>.attn.wqkv} [C, 3C], {@code h<i>.attn.wo} [C, C}, {@code h<i>.norm2},
 * then either {@code h<i>.ffn.w13} [C, 2F], {@code h<i>.ffn.w2} [F, C] (dense) or the MoE slots
 * under {@link #moePrefix}; {@code norm_f}; {@code lm_head} [V, C] when untied. Each slot's
 * {@link ParamBuffer.Role} and init are declared here; the expert slots form one contiguous region
 * at the end of the buffer, which the expert-parallel split (DESIGN §4) cuts by expert.
 *
 * <p>Loss: {@code ce + auxCoef·aux + seqAuxCoef·seqAux + zCoef·z} with each router loss averaged
 * over the MoE layers, so the coefficients mean the same at any depth (HF Mixtral averages
 * likewise). {@link MoeFfn#backward} adds its own loss gradients scaled by the config's
 * coefficients, so each MoE layer is built with those coefficients divided by the MoE layer count.
 *
 * <p>A training step (the trainer's loop; all buffers are reused across steps):
 * <pre>{@code
 * MoeTransformer m = MoeTransformer.create(cfg, DataType.FLOAT, seed);
 * AdamW opt = new AdamW(m.params(), train);
 * CosineSchedule lr = CosineSchedule.of(train);
 * m.zeroGrads();
 * LossParts loss = m.forward(tokens, true);          // tokens [B][T+1]
 * m.backward();                                      // into m.params().grads()
 * opt.step(lr.at(step), GradClip.scale(GradClip.norm(m.params().grads()), train.clipNorm()));
 * m.updateExpertBias(loads);                         // per-layer MoeStats.load(), all-reduced
 * }</pre>
 */
public final class MoeTransformer {
  /** Name suffix of the DeepSeek selection-only bias: no optimizer update, decay or clipping. */
  public static final String EXPERT_BIAS = MoeParams.EXPERT_BIAS;

  private final ModelConfig cfg;
  private final ParamBuffer params;
  private final Embedding embedding;
  private final List<DecoderBlock> blocks = new ArrayList<>();
  private final List<MoeFfn> moeLayers = new ArrayList<>();
  private final int[] moeLayerIndex;
  private final RmsNorm normF;
  private final LmHead head;
  private final CrossEntropy crossEntropy = new CrossEntropy();

  /** A freshly initialised model (see {@link ParamInit}). */
  public static MoeTransformer create(ModelConfig cfg, DataType type, long seed) {
    return create(cfg, type, seed, ExpertShard.all(cfg.experts()));
  }

  /**
   * A freshly initialised model holding the experts of {@code shard}: each expert's values are
   * those the whole model holds there (per-expert init streams).
   */
  public static MoeTransformer create(ModelConfig cfg, DataType type, long seed, ExpertShard shard) {
    ParamBuffer pb = layout(cfg, shard).allocate(type);
    ParamInit.init(pb, cfg, seed);
    return new MoeTransformer(cfg, pb, seed, shard);
  }

  /** The parameter layout of {@code cfg}; allocate it and load or initialise the values. */
  public static ParamBuffer.Builder layout(ModelConfig cfg) {
    return layout(cfg, ExpertShard.all(cfg.experts()));
  }

  /** The layout of a rank holding the experts of {@code shard} (dense slots replicated). */
  public static ParamBuffer.Builder layout(ModelConfig cfg, ExpertShard shard) {
    int c = cfg.dModel();
    ParamBuffer.Builder b = ParamBuffer.builder().firstExpert(shard.first()).add("wte", Role.NO_DECAY, Init.NORMAL, cfg.vocabSize(), c);
    for (int i = 0; i < cfg.layers(); i++) {
      DecoderBlock.addTo(b, "h" + i + ".", cfg, cfg.isMoeLayer(i), shard.count());
    }
    b.add("norm_f", Role.NO_DECAY, Init.ONES, c);
    if (!cfg.tieEmbeddings()) {
      b.add("lm_head", Role.DENSE, Init.NORMAL, cfg.vocabSize(), c);
    }
    return b;
  }

  /** Slot-name prefix of layer i's MoE tensors (router, experts, shared experts, expert bias). */
  public static String moePrefix(int layer) {
    return "h" + layer + ".moe.";
  }

  /** A model over existing parameters (loaded from a checkpoint or a parity fixture). */
  public MoeTransformer(ModelConfig cfg, ParamBuffer params, long seed) {
    this(cfg, params, seed, ExpertShard.all(cfg.experts()));
  }

  /** A model over existing parameters laid out for {@code shard}. */
  public MoeTransformer(ModelConfig cfg, ParamBuffer params, long seed, ExpertShard shard) {
    this.cfg = cfg;
    this.params = params;
    // every GEMM of this model goes through Gemm, so its rows may take all the cores (HostBlas)
    Gemm.splitOverCores();
    embedding = new Embedding(params.view("wte"), params.grad("wte"));
    int moeCount = 0;
    for (int i = 0; i < cfg.layers(); i++) {
      moeCount += cfg.isMoeLayer(i) ? 1 : 0;
    }
    ModelConfig perLayer = moeCount > 1 ? withRouterLossScale(cfg, 1.0 / moeCount) : cfg;
    moeLayerIndex = new int[moeCount];
    for (int i = 0; i < cfg.layers(); i++) {
      boolean moe = cfg.isMoeLayer(i);
      DecoderBlock block = DecoderBlock.of(params, "h" + i + ".", moe ? perLayer : cfg, moe,
          seed + 1000L * (i + 1), moe ? shard.exchanges().get() : null);
      if (moe) {
        moeLayerIndex[moeLayers.size()] = i;
        moeLayers.add((MoeFfn) block.ffn());
      }
      blocks.add(block);
    }
    normF = new RmsNorm(params.view("norm_f"), params.grad("norm_f"), cfg.normEps());
    String headName = cfg.tieEmbeddings() ? "wte" : "lm_head";
    head = new LmHead(params.view(headName), params.grad(headName));
  }

  public ModelConfig config() {
    return cfg;
  }

  /** Parameters and gradients (same layout); the optimizer, clipping and all-reduce use the flat arrays. */
  public ParamBuffer params() {
    return params;
  }

  /**
   * Forward pass and loss over {@code tokens} [B][T+1] (inputs are positions 0..T−1, targets 1..T).
   * {@code training} enables router jitter. Keeps everything {@link #backward} needs.
   */
  public LossParts forward(int[][] tokens, boolean training) {
    int b = tokens.length;
    int t = tokens[0].length - 1;
    int[] inputs = new int[b * t];
    int[] targets = new int[b * t];
    for (int s = 0; s < b; s++) {
      Preconditions.checkArgument(tokens[s].length == t + 1, "sequence %s has %s tokens, expected %s",
          s, tokens[s].length, t + 1);
      System.arraycopy(tokens[s], 0, inputs, s * t, t);
      System.arraycopy(tokens[s], 1, targets, s * t, t);
    }
    double ce = crossEntropy.forward(hidden(inputs, b, t, training), targets);
    double aux = 0;
    double seqAux = 0;
    double z = 0;
    for (MoeFfn moe : moeLayers) {
      MoeStats st = moe.stats();
      aux += st.auxLoss() / moeLayers.size();
      seqAux += st.seqAuxLoss() / moeLayers.size();
      z += st.zLoss() / moeLayers.size();
    }
    double total = ce + cfg.auxCoef() * aux + cfg.seqAuxCoef() * seqAux + cfg.zCoef() * z;
    return new LossParts(ce, aux, seqAux, z, total);
  }

  /**
   * Per-token cross-entropy of the last {@link #forward}: [B·T], sequence-major (token t of
   * sequence b at b·T + t, predicting its position t + 1); overwritten by the next forward.
   * Validation per language and per domain sums these by the label of each predicted token.
   */
  public double[] tokenLosses() {
    return crossEntropy.losses();
  }

  /** Forward pass over the whole token array [B, T+1] (any integer type). */
  public LossParts forward(INDArray tokens, boolean training) {
    return forward(tokens.toIntMatrix(), training);
  }

  /** Backward of the last {@link #forward}: ACCUMULATES into {@code params().grads()}. */
  public void backward() {
    INDArray d = normF.backward(head.backward(crossEntropy.backward(), crossEntropy.gradScale()));
    for (int i = blocks.size() - 1; i >= 0; i--) {
      d = blocks.get(i).backward(d);
    }
    embedding.backward(d);
  }

  /** Logits [B·T, V] (a fresh array) for inputs [B][T], evaluation mode; for inference and parity. */
  public INDArray logits(int[][] inputs) {
    int b = inputs.length;
    int t = inputs[0].length;
    int[] flat = new int[b * t];
    for (int s = 0; s < b; s++) {
      System.arraycopy(inputs[s], 0, flat, s * t, t);
    }
    return hidden(flat, b, t, false).dup();
  }

  /**
   * Clears the gradients for the next {@link #backward}s to accumulate into. The expert weights'
   * part, most of the buffer with many experts, is not written here: the next backward overwrites
   * it (its expert GEMMs with beta 0, experts without rows zeroed), which saves a pass over it and
   * the GEMMs' reads of it (E = 64 demo: 4.6 of a step's ~100 ms went to clearing). So read the
   * gradients only after a backward.
   */
  public void zeroGrads() {
    HostRows.zero(params.grads(), 0, params.expertOffset());
    for (MoeFfn moe : moeLayers) {
      moe.overwriteExpertGrads();
    }
  }

  /**
   * How the routed pair counts of a training forward become global-batch counts for the Switch
   * loss's f_i (data parallel: an all-reduce over the ranks; default: this batch alone). The
   * capacity decision stays local.
   */
  public void sumLoadsWith(java.util.function.UnaryOperator<long[]> sum) {
    for (MoeFfn moe : moeLayers) {
      moe.sumLoadsWith(sum);
    }
  }

  /** Indices of the MoE layers, in order; {@link #moeStats} and {@link #routing} follow it. */
  public int[] moeLayers() {
    return moeLayerIndex.clone();
  }

  /** Router statistics of each MoE layer from the last forward. */
  public List<MoeStats> moeStats() {
    List<MoeStats> out = new ArrayList<>();
    for (MoeFfn moe : moeLayers) {
      out.add(moe.stats());
    }
    return out;
  }

  /** Token-major routing decisions of each MoE layer from the last forward. */
  public List<Routing> routing() {
    List<Routing> out = new ArrayList<>();
    for (MoeFfn moe : moeLayers) {
      out.add(moe.routing());
    }
    return out;
  }

  /**
   * DeepSeek-V3 auxiliary-loss-free balancing after an optimizer step: {@link ExpertBiasBalancer}
   * on every MoE layer's {@code expert_bias} with rate {@code biasRate} (no-op when 0).
   *
   * @param loads per MoE layer (order of {@link #moeLayers}) the [E] routed pair counts, already
   *     summed over all ranks; in one process {@code moeStats().get(j).load()}
   */
  public void updateExpertBias(List<long[]> loads) {
    Preconditions.checkArgument(loads.size() == moeLayerIndex.length, "need %s load vectors, got %s",
        moeLayerIndex.length, loads.size());
    if (cfg.biasRate() == 0) {
      return;
    }
    for (int j = 0; j < moeLayerIndex.length; j++) {
      ExpertBiasBalancer.update(params.view(moePrefix(moeLayerIndex[j]) + EXPERT_BIAS), loads.get(j),
          cfg.biasRate());
    }
  }

  /** Logits [N, V] in the LM head's buffer. */
  private INDArray hidden(int[] inputs, int b, int t, boolean training) {
    INDArray x = embedding.forward(inputs);
    for (DecoderBlock block : blocks) {
      x = block.forward(x, b, t, training);
    }
    return head.forward(normF.forward(x));
  }

  private static ModelConfig withRouterLossScale(ModelConfig c, double s) {
    return new ModelConfig(c.vocabSize(), c.dModel(), c.layers(), c.heads(), c.seqLen(), c.ffnHidden(),
        c.experts(), c.topK(), c.router(), c.normalizeGates(), c.jitter(), c.capacityFactor(),
        c.sharedExperts(), c.sharedHidden(), c.moeEvery(), c.auxCoef() * s, c.seqAuxCoef() * s,
        c.zCoef() * s, c.biasRate(), c.dense(), c.tieEmbeddings(), c.ropeTheta(), c.normEps(),
        c.initStd());
  }
}
