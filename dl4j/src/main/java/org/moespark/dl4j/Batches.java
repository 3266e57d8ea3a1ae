package org.moespark.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Packed sequences of T+1 ids as {@link MoeLm} data: features [B, T] ids, labels [B, 1, T] next ids. */
final class Batches {
  private Batches() {}

  static DataSet of(int[][] seqs) {
    int b = seqs.length;
    int t = seqs[0].length - 1;
    float[][] in = new float[b][t];
    float[][][] next = new float[b][1][t];
    for (int s = 0; s < b; s++) {
      for (int p = 0; p < t; p++) {
        in[s][p] = seqs[s][p];
        next[s][0][p] = seqs[s][p + 1];
      }
    }
    INDArray features = Nd4j.createFromArray(in).castTo(DataType.FLOAT);
    return new DataSet(features, Nd4j.createFromArray(next));
  }
}
