package org.moespark.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One pre-norm decoder layer (Mixtral-like): {@code h = x + attn(norm1(x))},
 * {@code out = h + ffn(norm2(h))}, the FFN an MoE or a dense SwiGLU. Activations [N, C], N = B·T.
 */
final class DecoderBlock {
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

  Ffn ffn() {
    return ffn;
  }

  /** x [N, C] → [N, C] (this block's buffer; x itself is left unchanged). */
  INDArray forward(INDArray x, int batch, int seq, boolean training) {
    mid = Buffers.ensure(mid, x.dataType(), x.shape());
    out = Buffers.ensure(out, x.dataType(), x.shape());
    x.add(attn.forward(norm1.forward(x), batch, seq), mid);
    return mid.add(ffn.forward(norm2.forward(mid), batch, training), out);
  }

  /** dout [N, C] → dx [N, C]; accumulates every parameter gradient of the layer. */
  INDArray backward(INDArray dout) {
    dMid = Buffers.ensure(dMid, dout.dataType(), dout.shape());
    dx = Buffers.ensure(dx, dout.dataType(), dout.shape());
    dout.add(norm2.backward(ffn.backward(dout)), dMid);
    return dMid.add(norm1.backward(attn.backward(dMid)), dx);
  }
}
