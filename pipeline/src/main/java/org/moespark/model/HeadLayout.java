package org.moespark.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Moves attention rows between the token-major layout {@code [B, T, P, H, D]} (a [B·T, P·H·D]
 * matrix: qkv, or the merged heads with P = 1) and the head-major layout {@code [P, B, H, T, D]}
 * the batched GEMMs want: a permutation of D-wide rows, one host pass of row copies
 * ({@link RowAccess#copyTo}, split over the cores) instead of ND4J's permuted assign.
 */
final class HeadLayout {
  private HeadLayout() {}

  /** {@code heads[p, b, h, t] = tokens[b, t, p, h]}. */
  static void toHeads(INDArray tokens, INDArray heads, int batch, int seq, int parts, int h, int d) {
    move(tokens, heads, batch, seq, parts, h, d, true);
  }

  /** {@code tokens[b, t, p, h] = heads[p, b, h, t]}. */
  static void toTokens(INDArray heads, INDArray tokens, int batch, int seq, int parts, int h, int d) {
    move(tokens, heads, batch, seq, parts, h, d, false);
  }

  private static void move(INDArray tokens, INDArray heads, int batch, int seq, int parts, int h, int d,
      boolean toHeads) {
    int rows = batch * seq * parts * h;
    RowRanges.forEach(rows, d, (from, to) -> {
      RowAccess tok = RowAccess.of(tokens, d);
      RowAccess hd = RowAccess.of(heads, d);
      for (int tokenRow = from; tokenRow < to; tokenRow++) {
        // tokenRow = ((b·T + t)·P + p)·H + i
        int i = tokenRow % h;
        int p = tokenRow / h % parts;
        int bt = tokenRow / (h * parts);
        int headRow = ((p * batch + bt / seq) * h + i) * seq + bt % seq;
        if (toHeads) {
          tok.copyTo(tokenRow, hd, headRow);
        } else {
          hd.copyTo(headRow, tok, tokenRow);
        }
      }
    });
  }
}
