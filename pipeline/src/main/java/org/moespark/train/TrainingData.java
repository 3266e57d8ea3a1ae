package org.moespark.train;

import java.util.HashMap;
import java.util.Map;

/**
 * Training sequences by {@code seq_index}: the train split's size, and the token rows of one
 * rank's share of an interval (all of them only in tests). Engines read just the rows an interval
 * needs (the local engine on the driver, the spark engine in each task), so no JVM holds the corpus.
 */
public interface TrainingData {
  /** Sequences in the train split (the data order is shuffled over 0..size−1). */
  long size();

  /** The rows with these seq_index values, in the same order (repeats allowed). */
  int[][] read(long[] seqIndices);

  /** A split held in memory: row i is seq_index i. */
  static TrainingData of(int[][] sequences) {
    return new TrainingData() {
      @Override
      public long size() {
        return sequences.length;
      }

      @Override
      public int[][] read(long[] seqIndices) {
        int[][] out = new int[seqIndices.length][];
        for (int i = 0; i < out.length; i++) {
          out[i] = sequences[Math.toIntExact(seqIndices[i])];
        }
        return out;
      }
    };
  }

  /** Some rows of a split of {@code size} sequences (what a task was sent for its interval). */
  static TrainingData of(long size, Map<Long, int[]> rows) {
    Map<Long, int[]> copy = new HashMap<>(rows);
    return new TrainingData() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public int[][] read(long[] seqIndices) {
        int[][] out = new int[seqIndices.length][];
        for (int i = 0; i < out.length; i++) {
          out[i] = copy.get(seqIndices[i]);
          if (out[i] == null) {
            throw new IllegalStateException("sequence " + seqIndices[i] + " was not read for this interval");
          }
        }
        return out;
      }
    };
  }
}
