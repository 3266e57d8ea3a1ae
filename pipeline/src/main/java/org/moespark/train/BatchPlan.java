package org.moespark.train;

import java.io.Serializable;
import java.util.Random;

/**
 * The global order of the training sequences, a function of (sequence count, global batch size,
 * seed) alone: each epoch visits every sequence once in an order shuffled by (seed, epoch), and
 * global micro-batch p holds the same sequences whatever the number of workers. Rank r of W takes
 * rows [r·B/W, (r+1)·B/W) of each (Megatron's pretraining sampler does the same), so engines and
 * worker counts agree and a run can resume at another W. The position (micro-batches consumed) is
 * all a checkpoint needs: the order is recomputed, not stored.
 */
public final class BatchPlan implements Serializable {
  private final long sequences;
  private final int batchSize;
  private final long seed;
  private transient int[] order;
  private transient long epoch = -1;

  /** The plan of a run: its global batch and data seed over a train split of {@code sequences}. */
  public static BatchPlan of(TrainConfig tc, long sequences) {
    return new BatchPlan(sequences, tc.batchSize(), tc.seed() + 1);
  }

  BatchPlan(long sequences, int batchSize, long seed) {
    if (sequences < batchSize) {
      throw new IllegalArgumentException("train split has " + sequences
          + " sequences, fewer than train.batch-size = " + batchSize
          + ": lower the batch size or tokenizer.seq-len, or add data");
    }
    if (sequences > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("train split has " + sequences + " sequences; at most "
          + Integer.MAX_VALUE + " are supported: raise tokenizer.seq-len");
    }
    this.sequences = sequences;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  int batchSize() {
    return batchSize;
  }

  /** The seq_index values of rank {@code rank}'s rows of global micro-batch {@code position}. */
  long[] slice(long position, int rank, int world) {
    if (batchSize % world != 0) {
      throw new IllegalArgumentException("train.batch-size = " + batchSize
          + " is the global batch and must be divisible by train.workers = " + world);
    }
    long perEpoch = sequences / batchSize;
    long e = position / perEpoch;
    if (e != epoch) {
      order = shuffled((int) sequences, seed * 1_000_003L + e);
      epoch = e;
    }
    int per = batchSize / world;
    int start = (int) (position % perEpoch) * batchSize + rank * per;
    long[] out = new long[per];
    for (int i = 0; i < per; i++) {
      out[i] = order[start + i];
    }
    return out;
  }

  /**
   * The distinct seq_index values rank {@code rank} reads in micro-batches [from, to): what an
   * engine fetches for one checkpoint interval.
   */
  public long[] needed(long from, long to, int rank, int world) {
    java.util.stream.LongStream.Builder all = java.util.stream.LongStream.builder();
    for (long p = from; p < to; p++) {
      for (long idx : slice(p, rank, world)) {
        all.add(idx);
      }
    }
    return all.build().distinct().toArray();
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
