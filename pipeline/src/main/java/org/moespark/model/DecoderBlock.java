package org.moespark.model;

import org.moespark.model.ParamBuffer.Init;
import org.moespark.model.ParamBuffer.Role;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One pre-norm decoder layer (Mixtral-like): {@code h = x + attn(norm1(x))},
 * {@code out = h + ffn(norm2(h))}, the FFN an MoE or a dense SwiGLU. Activations [N, C], N = B·T.
 */
public final class DecoderBlock {
  private final RmsNorm norm1;
  private final CausalSelfAttention attn;
  private final RmsNorm norm2;
  private final Ffn ffn;
  private INDArray mid;
  private INDArray out;
  private INDArray dMid;
  private INDArray dx;

  DecoderBlock(RmsNorm norm1, CausalSelfAttention attn, RmsNorm norm2, Ffn ffn) {
    this.norm1 = norm1;
    this.attn = attn;
    this.norm2 = norm2;
    this.ffn = ffn;
  }

  /**
   * Declares one block's slots under {@code prefix} (e.g. {@code "h3."}): {@code norm1},
   * {@code attn.wqkv} [C, 3C], {@code attn.wo} [C, C], {@code norm2}, then the MoE slots under
   * {@code prefix + "moe."} ({@link MoeParams#addTo}) or the dense {@code ffn.w13} [C, 2F],
   * {@code ffn.w2} [F, C] of width {@link ModelConfig#denseFfnHidden}.
   */
  public static void addTo(ParamBuffer.Builder b, String prefix, ModelConfig cfg, boolean moe,
      int localExperts) {
    int c = cfg.dModel();
    b.add(prefix + "norm1", Role.NO_DECAY, Init.ONES, c)
        .add(prefix + "attn.wqkv", Role.DENSE, Init.NORMAL, c, 3L * c)
        .add(prefix + "attn.wo", Role.DENSE, Init.RESIDUAL_NORMAL, c, c)
        .add(prefix + "norm2", Role.NO_DECAY, Init.ONES, c);
    if (moe) {
      MoeParams.addTo(b, prefix + "moe.", cfg, localExperts);
    } else {
      int f = cfg.denseFfnHidden();
      b.add(prefix + "ffn.w13", Role.DENSE, Init.NORMAL, c, 2L * f)
          .add(prefix + "ffn.w2", Role.DENSE, Init.RESIDUAL_NORMAL, f, c);
    }
  }

  /**
   * The block over the slots {@link #addTo} declared under {@code prefix}; an MoE FFN reaches its
   * experts through {@code exchange} (unused, may be null, for a dense block) and seeds its
   * jitter with {@code seed}.
   */
  public static DecoderBlock of(ParamBuffer pb, String prefix, ModelConfig cfg, boolean moe,
      long seed, org.moespark.model.moe.ExpertExchange exchange) {
    Ffn ffn = moe
        ? new MoeFfn(cfg, MoeParams.of(pb, prefix + "moe."), seed, exchange)
        : new SwiGlu(pb.view(prefix + "ffn.w13"), pb.grad(prefix + "ffn.w13"),
            pb.view(prefix + "ffn.w2"), pb.grad(prefix + "ffn.w2"));
    return new DecoderBlock(
        new RmsNorm(pb.view(prefix + "norm1"), pb.grad(prefix + "norm1"), cfg.normEps()),
        new CausalSelfAttention(pb.view(prefix + "attn.wqkv"), pb.grad(prefix + "attn.wqkv"),
            pb.view(prefix + "attn.wo"), pb.grad(prefix + "attn.wo"), cfg.heads(), cfg.ropeTheta()),
        new RmsNorm(pb.view(prefix + "norm2"), pb.grad(prefix + "norm2"), cfg.normEps()),
        ffn);
  }

  /** The block's FFN: a {@link MoeFfn} when built with {@code moe}, else a dense SwiGLU. */
  public Ffn ffn() {
    return ffn;
  }

  /** x [N, C] → [N, C] (this block's buffer; x itself is left unchanged). */
  public INDArray forward(INDArray x, int batch, int seq, boolean training) {
    mid = Buffers.ensure(mid, x.dataType(), x.shape());
    out = Buffers.ensure(out, x.dataType(), x.shape());
    HostRows.add(x, attn.forward(norm1.forward(x), batch, seq), mid);
    HostRows.add(mid, ffn.forward(norm2.forward(mid), batch, training), out);
    return out;
  }

  /** dout [N, C] → dx [N, C]; accumulates every parameter gradient of the layer. */
  public INDArray backward(INDArray dout) {
    dMid = Buffers.ensure(dMid, dout.dataType(), dout.shape());
    dx = Buffers.ensure(dx, dout.dataType(), dout.shape());
    HostRows.add(dout, norm2.backward(ffn.backward(dout)), dMid);
    HostRows.add(dMid, norm1.backward(attn.backward(dMid)), dx);
    return dx;
  }
}
