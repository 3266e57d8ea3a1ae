package org.moespark.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A position-wise feed-forward block of the decoder: dense SwiGLU or MoE. Activations are
 * {@code [N, C]} c-order, N = B·T tokens.
 *
 * <p>Buffers are owned by the layer and reused across steps: the array {@link #forward} returns
 * is overwritten by the next forward, the one {@link #backward} returns by the next backward, and
 * {@code x} must stay unchanged until the matching backward (it is kept by reference).
 */
public interface Ffn {
  /** x [N, C] (N = B·T tokens, row-major, c-order) → y [N, C]; keeps what backward needs. */
  INDArray forward(INDArray x, int batch, boolean training);

  /** dy [N, C] → dx [N, C]; ACCUMULATES (+=) parameter gradients into its gradient views. */
  INDArray backward(INDArray dy);
}
