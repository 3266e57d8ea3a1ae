package org.moespark.model;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Causal attention's batched products over the causal part of each [T, T] matrix only (the
 * "skip the masked blocks" of FlashAttention, Dao et al. 2022, on CBLAS calls): row block i of
 * {@link #blockRows} rows covers columns [0, end of block i), so about half of the T×T work is left
 * out. Written entries beyond the diagonal inside a diagonal block are not read; entries right of
 * the diagonal blocks are not written (the causal softmax and its backward read [0, r] of row r and
 * write zeros beyond, so P and dS are zero there and the products over them stop at the blocks).
 * Measured on 2 cores (6 products, best of 60): [64, 256, 64] 33.7 → 24.6 ms with 32-row blocks,
 * [8, 1024, 64] 68.6 → 47.2 ms with 64; 16-row blocks were slower again (per-call cost). Off the
 * CPU backend the whole products ({@link BatchedMatmul}), which hold the same values in the blocks.
 */
final class CausalMatmul {
  private CausalMatmul() {}

  /** Rows per block for T positions: the fastest of 16/32/64/128 measured at T = 128 to 1024. */
  static int blockRows(int t) {
    return t <= 256 ? 32 : 64;
  }

  /** out [G, T, T] = a·bᵀ on the causal blocks (attention scores, dP), a and b [G, T, D]. */
  static void lowerOfProduct(INDArray a, INDArray b, INDArray out) {
    int t = (int) out.size(1);
    int d = (int) a.size(2);
    List<HostBlas.Sub> subs = new ArrayList<>();
    for (int r0 = 0, block = blockRows(t); r0 < t; r0 += block) {
      int r1 = Math.min(t, r0 + block);
      subs.add(new HostBlas.Sub(r1 - r0, r1, d, (long) r0 * d, 0, (long) r0 * t));
    }
    BatchedMatmul.exec(a, b, out, false, true, subs);
  }

  /** out [G, T, D] = p·v for p [G, T, T] zero above the diagonal (P·V, dS·K). */
  static void lowerTimes(INDArray p, INDArray v, INDArray out) {
    int t = (int) p.size(1);
    int d = (int) v.size(2);
    List<HostBlas.Sub> subs = new ArrayList<>();
    for (int r0 = 0, block = blockRows(t); r0 < t; r0 += block) {
      int r1 = Math.min(t, r0 + block);
      subs.add(new HostBlas.Sub(r1 - r0, d, r1, (long) r0 * t, 0, (long) r0 * d));
    }
    BatchedMatmul.exec(p, v, out, false, false, subs);
  }

  /** out [G, T, D] = pᵀ·v for p [G, T, T] zero above the diagonal (Pᵀ·dY, dSᵀ·Q). */
  static void lowerTransposedTimes(INDArray p, INDArray v, INDArray out) {
    int t = (int) p.size(1);
    int d = (int) v.size(2);
    List<HostBlas.Sub> subs = new ArrayList<>();
    for (int r0 = 0, block = blockRows(t); r0 < t; r0 += block) {
      int r1 = Math.min(t, r0 + block);
      // rows [r0, r1) of pᵀ are columns [r0, r1) of p, non-zero in p's rows [r0, T) only
      subs.add(new HostBlas.Sub(r1 - r0, d, t - r0, (long) r0 * t + r0, (long) r0 * d, (long) r0 * d));
    }
    BatchedMatmul.exec(p, v, out, true, false, subs);
  }

  /**
   * The share of each T×T product that the blocks compute, the same for all three (the transposed
   * product's column blocks cover the transpose of the others' row blocks); 1 off the CPU backend,
   * where the whole products run.
   */
  static double computedShare(int t) {
    if (!Gemm.HOST) {
      return 1;
    }
    double cells = 0;
    for (int r0 = 0, block = blockRows(t); r0 < t; r0 += block) {
      int r1 = Math.min(t, r0 + block);
      cells += (double) (r1 - r0) * r1;
    }
    return cells / ((double) t * t);
  }
}
