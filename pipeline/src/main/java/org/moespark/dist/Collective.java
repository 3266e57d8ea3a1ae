package org.moespark.dist;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Collective communication among the ranks of one group (DESIGN §4). One primitive,
 * {@link #allToAllV}, on a pairwise schedule (step k: send to r+k, receive from r−k); the others
 * are built on it. Every call is a collective: all ranks of the group make the same calls in the
 * same order. Every wait has a deadline and a cancellation check; a dead, stale or mismatched
 * peer is an {@link CollectiveException}, never a hang. No Spark imports in this package.
 *
 * <p>Arrays are flat (rank 1), contiguous, of one data type (FLOAT or DOUBLE, or LONG for
 * counts); counts are in elements.
 */
public interface Collective extends AutoCloseable {
  /** The group of one rank: the local engine. */
  static Collective single() {
    return SingleRank.INSTANCE;
  }

  /** This rank in the group, 0-based. */
  int rank();

  /** Number of ranks in the group. */
  int size();

  /**
   * Rank r sends the consecutive blocks of {@code send}, {@code sendCounts[p]} elements to rank p
   * in rank order, and receives {@code recvCounts[p]} elements from each rank p into consecutive
   * blocks of {@code recv}, in rank order (its own block is copied locally). Counts must agree
   * pairwise: p's {@code sendCounts[q]} equals q's {@code recvCounts[p]}; a mismatch fails.
   */
  void allToAllV(INDArray send, long[] sendCounts, INDArray recv, long[] recvCounts);

  /**
   * Sum over all ranks, in place: reduce-scatter then all-gather over {@link #allToAllV}, adding
   * the contributions in rank order 0..size−1, so every rank gets the same bits and a run is
   * reproducible for a given group size.
   */
  void allReduceSum(INDArray data);

  /** Sum of small host vectors (loss parts, loads) over all ranks, in place, in rank order. */
  void allReduceSum(double[] data);

  /** Sum of small host counters over all ranks, in place. */
  void allReduceSum(long[] data);

  /** Every rank's {@code mine} (equal lengths) concatenated in rank order into {@code all}. */
  void allGather(INDArray mine, INDArray all);

  /** Every rank's {@code mine} (equal lengths) concatenated in rank order. */
  long[] allGather(long[] mine);

  /** Returns when every rank of the group has called it. */
  void barrier();

  /**
   * The sub-group of the listed ranks of this group (ascending, including this rank), sharing
   * this collective's transport; ranks of the sub-group are positions in {@code ranks}. Every
   * rank of the parent must create the same sub-groups in the same order (an expert-parallel grid
   * creates all its groups at start).
   */
  Collective group(int[] ranks);

  /** Releases the transport (the root group only; sub-groups share it). */
  @Override
  void close();
}
