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
 * Measured on 2 cores, a layer's six products alternated with the whole ones (best; median):
 * [G, T, D] = [64, 256, 64] 38.6 → 24.6 ms (75 → 57), [32, 128, 32] 1.68 → 1.49 ms, [8, 1024, 64]
 * 75 → 53 ms. Off the CPU backend the whole products ({@link BatchedMatmul}), which hold the same
 * values in the blocks.
 */
final class CausalMatmul {
  private CausalMatmul() {}

  /**
   * Rows per block for T positions. Of 16 to 128 rows, 32 were fastest at T = 256 and 64 at 512 and
   * 1024 (smaller blocks lose to the per-call cost); at T = 128, 32 and 64 were within 4%.
   */
  static int blockRows(int t) {
    return t <= 256 ? 32 : 64;
  }

  /** out [G, T, T] = a·bᵀ on the causal blocks (attention scores, dP), a and b [G, T, D]. */
  static void lowerOfProduct(INDArray a, INDArray b, INDArray out) {
    int t = (int) out.size(1);
    int d = (int) a.size(2);
    BatchedMatmul.exec(a, b, out, false, true,
        blocks(t, (r0, r1) -> new HostBlas.Sub(r1 - r0, r1, d, (long) r0 * d, 0, (long) r0 * t)));
  }

  /** out [G, T, D] = p·v for p [G, T, T] zero above the diagonal (P·V, dS·K). */
  static void lowerTimes(INDArray p, INDArray v, INDArray out) {
    int t = (int) p.size(1);
    int d = (int) v.size(2);
    BatchedMatmul.exec(p, v, out, false, false,
        blocks(t, (r0, r1) -> new HostBlas.Sub(r1 - r0, d, r1, (long) r0 * t, 0, (long) r0 * d)));
  }

  /** out [G, T, D] = pᵀ·v for p [G, T, T] zero above the diagonal (Pᵀ·dY, dSᵀ·Q). */
  static void lowerTransposedTimes(INDArray p, INDArray v, INDArray out) {
    int t = (int) p.size(1);
    int d = (int) v.size(2);
    // rows [r0, r1) of pᵀ are columns [r0, r1) of p, non-zero in p's rows [r0, T) only
    BatchedMatmul.exec(p, v, out, true, false, blocks(t,
        (r0, r1) -> new HostBlas.Sub(r1 - r0, d, t - r0, (long) r0 * t + r0, (long) r0 * d, (long) r0 * d)));
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
    for (HostBlas.Sub s : blocks(t, (r0, r1) -> new HostBlas.Sub(r1 - r0, r1, 1, 0, 0, 0))) {
      cells += s.work();
    }
    return cells / ((double) t * t);
  }

  /** One GEMM per row block [r0, r1) of T positions. */
  private static List<HostBlas.Sub> blocks(int t, BlockGemm gemm) {
    List<HostBlas.Sub> subs = new ArrayList<>();
    for (int r0 = 0, block = blockRows(t); r0 < t; r0 += block) {
      subs.add(gemm.of(r0, Math.min(t, r0 + block)));
    }
    return subs;
  }

  @FunctionalInterface
  private interface BlockGemm {
    HostBlas.Sub of(int r0, int r1);
  }
}
