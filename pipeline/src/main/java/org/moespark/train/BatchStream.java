package org.moespark.train;

import java.util.Random;

/**
 * The training batches: each epoch visits every sequence once in an order shuffled by
 * {@code (seed, epoch)}. The position (batches consumed) is all a checkpoint needs to resume the
 * stream exactly: the order is recomputed, not stored.
 */
final class BatchStream {
  private final int[][] sequences;
  private final int batchSize;
  private final long seed;
  private int[] order;
  private int epoch = -1;
  private long position;

  BatchStream(int[][] sequences, int batchSize, long seed) {
    if (sequences.length < batchSize) {
      throw new IllegalArgumentException("train split has " + sequences.length
          + " sequences, fewer than train.batch-size = " + batchSize
          + ": lower the batch size or tokenizer.seq-len, or add data");
    }
    this.sequences = sequences;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  long position() {
    return position;
  }

  /** Moves to {@code batches} consumed (on resume). */
  void seek(long batches) {
    position = batches;
  }

  int[][] next() {
    int perEpoch = sequences.length / batchSize;
    int e = (int) (position / perEpoch);
    if (e != epoch) {
      order = shuffled(sequences.length, seed * 1_000_003L + e);
      epoch = e;
    }
    int start = (int) (position % perEpoch) * batchSize;
    int[][] batch = new int[batchSize][];
    for (int i = 0; i < batchSize; i++) {
      batch[i] = sequences[order[start + i]];
    }
    position++;
    return batch;
  }

  private static int[] shuffled(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    Random r = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
