package org.moespark.model.moe;

import java.util.Arrays;
import org.moespark.model.HostRows;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves (token, choice) pairs to their experts and back. {@link #plan} counting-sorts the N·K
 * pairs by expert (stable, so each expert's rows stay in token order) and applies the capacity
 * {@code ceil(cf·N·K/E)} (GShard/Switch; cf = 0 is dropless). Drop policy: an expert keeps its
 * earliest tokens in token order and drops the rest (as in Switch/GShard, not Megatron's
 * drop-by-probability); a dropped pair contributes nothing to the output.
 *
 * <p>Permute, expert compute and unpermute are separate steps over experts addressed by global
 * id, so an all-to-all can later sit between them. All row movement is one host pass into
 * preallocated buffers: the permutation a row gather ({@link HostRows#gather}); the combine and
 * the way back through the permutation gather, scale and sum per token, the combine's backward
 * scatters scaled rows of dy to their slots ({@link HostRowLoops}), where ND4J needed 3-4 ops
 * per top-k choice. The scatter-add of the combine is turned into K gathers through the inverse
 * permutation, which point dropped pairs at an all-zero row (index {@code N·K}) of the expert
 * output block.
 */
public final class TokenDispatcher {
  private final int experts;
  private final int k;
  private final double capacityFactor;
  private final long[] load;
  private final long[] dropped;
  private final int[] kept;
  private final int[] offsets;
  private final int[] fill;
  private int n = -1;
  private int rows;
  private int capacity;
  private int m;
  private int[] slotOfPair;
  private int[][] slotOfChoice;
  private int[] tokenOfSlot;
  private INDArray xPerm;
  private INDArray dOutPerm;
  /** The expert outputs the last {@link #unpermute} combined, for its backward. */
  private INDArray combined;

  public TokenDispatcher(int experts, int k, double capacityFactor) {
    this.experts = experts;
    this.k = k;
    this.capacityFactor = capacityFactor;
    this.load = new long[experts];
    this.dropped = new long[experts];
    this.kept = new int[experts];
    this.offsets = new int[experts + 1];
    this.fill = new int[experts];
  }

  /** Pairs an expert may take for {@code tokens} tokens; {@code N·K} (no limit) when dropless. */
  public int capacity(int tokens) {
    long pairs = (long) tokens * k;
    return capacityFactor == 0 ? (int) pairs
        : (int) Math.min(pairs, (long) Math.ceil(capacityFactor * pairs / experts));
  }

  /** Sorts the pairs {@code expert[n·K + r]} by expert and decides the drops. */
  public void plan(int[] expert, int tokens) {
    ensurePlan(tokens);
    capacity = capacity(tokens);
    Arrays.fill(load, 0);
    for (int p = 0; p < rows; p++) {
      load[expert[p]]++;
    }
    offsets[0] = 0;
    for (int e = 0; e < experts; e++) {
      kept[e] = (int) Math.min(load[e], capacity);
      dropped[e] = load[e] - kept[e];
      offsets[e + 1] = offsets[e] + kept[e];
    }
    m = offsets[experts];
    Arrays.fill(fill, 0);
    for (int p = 0; p < rows; p++) {
      int e = expert[p];
      int slot = rows;
      if (fill[e] < kept[e]) {
        slot = offsets[e] + fill[e]++;
        tokenOfSlot[slot] = p / k;
      }
      slotOfPair[p] = slot;
      slotOfChoice[p % k][p / k] = slot;
    }
  }

  private void ensurePlan(int tokens) {
    if (tokens == n) {
      return;
    }
    n = tokens;
    rows = tokens * k;
    slotOfPair = new int[rows];
    slotOfChoice = new int[k][tokens];
    tokenOfSlot = new int[rows];
    xPerm = null;
  }

  private void ensureRows(DataType type, long width) {
    if (xPerm != null && xPerm.dataType() == type && xPerm.columns() == width) {
      return;
    }
    xPerm = Nd4j.create(type, rows, width);
    dOutPerm = Nd4j.create(type, rows, width);
  }

  /** Gathers x [N, C] into expert order: rows [0, M) of the returned [N·K, C] block. */
  public INDArray permute(INDArray x) {
    ensureRows(x.dataType(), x.columns());
    HostRows.gather(x, tokenOfSlot, m, xPerm);
    return xPerm;
  }

  /**
   * y = Σ_r gate_r ⊙ out[slot(n, r)] (overwrites y [N, C]).
   *
   * @param out expert outputs [N·K + 1, C] in slot order, row N·K all zero; {@link
   *     #unpermuteBackward} reads them again, so they stay as they are until it has run
   * @param gate gates [N·K], token-major
   */
  public void unpermute(INDArray out, double[] gate, INDArray y) {
    combined = out;
    HostRowLoops.gatherSum(out, slotOfChoice, gate, y);
  }

  /**
   * The way back through {@link #unpermute}: dgate[n·K + r] = ⟨dy[n], out[slot(n, r)]⟩ and
   * dOut[slot] = gate · dy[token(slot)] for the kept slots.
   *
   * @return dOut [N·K, C], rows [0, M) valid
   */
  public INDArray unpermuteBackward(INDArray dy, double[] gate, double[] dGate) {
    HostRowLoops.combineBackward(dy, combined, slotOfChoice, gate, dGate, dOutPerm);
    return dOutPerm;
  }

  /**
   * The way back through {@link #permute}: dx[n] = Σ_r dxPerm[slot(n, r)] (overwrites dx).
   *
   * @param dxPerm [N·K + 1, C] in slot order, row N·K all zero
   */
  public void permuteBackward(INDArray dxPerm, INDArray dx) {
    HostRowLoops.gatherSum(dxPerm, slotOfChoice, null, dx);
  }

  /** Kept pairs M = rows of the permuted block in use. */
  public int kept() {
    return m;
  }

  /** Kept pairs per expert (rows of each expert's block, in expert order). */
  public int[] keptPerExpert() {
    return kept;
  }

  /** Pairs routed to each expert before capacity. */
  public long[] load() {
    return load;
  }

  /** Pairs dropped per expert. */
  public long[] dropped() {
    return dropped;
  }

  /** Slot of pair {@code n·K + r} in the permuted block, or N·K when dropped. */
  public int[] slotOfPair() {
    return slotOfPair;
  }

  /** The capacity used by the last {@link #plan}. */
  public int capacity() {
    return capacity;
  }
}
