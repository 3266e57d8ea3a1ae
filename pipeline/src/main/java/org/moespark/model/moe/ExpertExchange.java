package org.moespark.model.moe;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The step between permute and the grouped experts, and back (Megatron-Core's token dispatcher
 * seam): rows grouped by global expert on the token's rank ↔ rows grouped by local expert on the
 * expert's rank. The local exchange is the identity; the all-to-all one sends each expert's rows to
 * the rank that owns it. The backward pass uses the same two moves with the forward's counts: the
 * output gradient goes {@link #toExperts}, the input gradient comes back {@link #fromExperts}.
 */
public interface ExpertExchange {
  /** Upper bound of the rows the experts of this rank receive when the token side has {@code pairs}. */
  int maxExpertRows(int pairs);

  /**
   * Takes the kept rows per global expert of this rank's tokens (the dispatcher's plan); an
   * all-to-all exchange swaps the counts here, once per forward, so every rank knows every
   * buffer size before any row moves.
   */
  void plan(int[] keptPerGlobalExpert);

  /** Rows of each local expert after {@link #plan}, in local expert order. */
  int[] localCounts();

  /** Token-side rows [0, M) in global-expert order → expert-side rows in local-expert order. */
  INDArray toExperts(INDArray tokenSide);

  /**
   * Expert-side rows in local-expert order → token-side rows [0, M) in global-expert order, in a
   * [pairs + 1, C] block whose row {@code pairs} (N·K of the token side) is zero: the dispatcher
   * points dropped pairs there.
   */
  INDArray fromExperts(INDArray expertSide);
}
