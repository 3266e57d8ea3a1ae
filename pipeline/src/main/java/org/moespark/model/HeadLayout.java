package org.moespark.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Moves attention rows between the token-major layout {@code [B, T, P, H, D]} (a [B·T, P·H·D]
 * matrix: qkv, or the merged heads with P = 1) and the head-major layout {@code [P, B, H, T, D]}
 * the batched GEMMs want: a permutation of D-wide rows, one host pass ({@link RowAccess}) instead
 * of ND4J's permuted assign.
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
    long rows = (long) batch * seq * parts * h;
    RowAccess tok = RowAccess.of(tokens.reshape('c', rows, d));
    RowAccess hd = RowAccess.of(heads.reshape('c', rows, d));
    double[] row = new double[d];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < seq; t++) {
        for (int p = 0; p < parts; p++) {
          for (int i = 0; i < h; i++) {
            int tokenRow = ((b * seq + t) * parts + p) * h + i;
            int headRow = ((p * batch + b) * h + i) * seq + t;
            if (toHeads) {
              tok.get(tokenRow, row);
              hd.put(headRow, row);
            } else {
              hd.get(headRow, row);
              tok.put(tokenRow, row);
            }
          }
        }
      }
    }
  }
}
