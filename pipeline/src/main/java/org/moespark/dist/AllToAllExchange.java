package org.moespark.dist;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import org.moespark.model.ExpertShard;
import org.moespark.model.Views;
import org.moespark.model.moe.ExpertExchange;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Expert parallelism over an expert group of P ranks (DESIGN §4, Megatron-Core's
 * {@code MoEAlltoAllTokenDispatcher} order): rank r holds the global experts
 * {@code [r·E/P, (r+1)·E/P)}; each MoE layer has its own exchange, and all ranks run the layers
 * in the same order, so their collectives on the group line up.
 *
 * <p>{@link #plan} swaps the per-expert row counts before any row moves, so every buffer size is
 * known on both sides of every transfer (DeepSpeed #6809 hung on ranks that disagreed on shapes).
 * Rows then travel in one all-to-all-v each way; the receive side arrives ordered
 * [source rank][local expert] and is regrouped by one gather to [local expert][source rank], the
 * contiguous per-expert blocks the grouped experts need. The backward pass makes the same two
 * moves with the forward's counts (the splits swapped on the way back).
 *
 * <p>Not thread safe: one exchange per layer, used by the rank's training thread.
 */
public final class AllToAllExchange implements ExpertExchange {
  private final Collective group;
  private final int ranks;
  private final int experts;
  private final int local;
  private final INDArray countsOut;
  private final INDArray countsIn;
  /** Counts go {@code local} to each peer: the rows of each of its experts. */
  private final long[] countsPerPeer;
  /** Rows this rank sends to global expert e, at [e]. */
  private final long[] kept;
  /** Rows from source rank s for local expert i, at [s·local + i]. */
  private final long[] fromSource;
  private final int[] localCounts;
  private final long[] sendRows;
  private final long[] recvRows;
  private final long[] sendElements;
  private final long[] recvElements;
  private int tokenRows;
  private int expertRows;
  /** Expert-side row j is received row {@code received[j]}; the way back inverts it. */
  private int[] received;
  private int[] returned;
  private final Buffers buffers = new Buffers();
  /** Which expert-side input buffer the next {@link #toExperts} fills: 0 forward, 1 backward. */
  private int phase;

  /** Nanoseconds spent in this exchange's collectives (shared by a rank's layers). */
  private final LongAdder clock;

  AllToAllExchange(Collective group, int experts, LongAdder clock) {
    this.group = group;
    this.clock = clock;
    this.ranks = group.size();
    this.experts = experts;
    this.local = perRank(experts, ranks);
    this.countsOut = Nd4j.create(DataType.LONG, experts);
    this.countsIn = Nd4j.create(DataType.LONG, experts);
    this.countsPerPeer = new long[ranks];
    Arrays.fill(countsPerPeer, local);
    this.kept = new long[experts];
    this.fromSource = new long[experts];
    this.localCounts = new int[local];
    this.sendRows = new long[ranks];
    this.recvRows = new long[ranks];
    this.sendElements = new long[ranks];
    this.recvElements = new long[ranks];
  }

  /**
   * The experts of this rank of {@code expertGroup}, each MoE layer with its own exchange over
   * the group. A group of one rank holds every expert and moves nothing.
   */
  public static ExpertShard shard(Collective expertGroup, int experts) {
    return shard(expertGroup, experts, new LongAdder());
  }

  /** The same, adding the time spent in the exchanges' collectives to {@code clock}. */
  public static ExpertShard shard(Collective expertGroup, int experts, LongAdder clock) {
    int p = expertGroup.size();
    if (p == 1) {
      return ExpertShard.all(experts);
    }
    int count = perRank(experts, p);
    return new ExpertShard(expertGroup.rank() * count, count, experts,
        () -> new AllToAllExchange(expertGroup, experts, clock));
  }

  private static int perRank(int experts, int ranks) {
    if (experts % ranks != 0) {
      throw new IllegalArgumentException(
          experts + " experts cannot be split evenly over an expert group of " + ranks + " ranks");
    }
    return experts / ranks;
  }

  /**
   * Every rank's tokens may all pick this rank's experts. This assumes the ranks of the group have
   * equal token counts; a rank that would receive more fails in {@link #toExperts}.
   */
  @Override
  public int maxExpertRows(int pairs) {
    return Math.multiplyExact(ranks, pairs);
  }

  @Override
  public void plan(int[] keptPerGlobalExpert) {
    if (keptPerGlobalExpert.length != experts) {
      throw new IllegalArgumentException("the plan needs the kept rows of " + experts
          + " experts, got " + keptPerGlobalExpert.length);
    }
    for (int e = 0; e < experts; e++) {
      kept[e] = keptPerGlobalExpert[e];
    }
    Nio.bytes(countsOut).asLongBuffer().put(kept);
    long t0 = System.nanoTime();
    group.allToAllV(countsOut, countsPerPeer, countsIn, countsPerPeer);
    clock.add(System.nanoTime() - t0);
    Nio.bytes(countsIn).asLongBuffer().get(fromSource);

    Arrays.fill(localCounts, 0);
    tokenRows = 0;
    expertRows = 0;
    for (int p = 0; p < ranks; p++) {
      sendRows[p] = 0;
      recvRows[p] = 0;
      for (int i = 0; i < local; i++) {
        sendRows[p] += kept[p * local + i];
        recvRows[p] += fromSource[p * local + i];
        localCounts[i] += (int) fromSource[p * local + i];
      }
      tokenRows += (int) sendRows[p];
      expertRows += (int) recvRows[p];
    }
    regroupOrder();
    phase = 0;
  }

  /** Received order is [source][local expert]; the experts want [local expert][source]. */
  private void regroupOrder() {
    received = new int[expertRows];
    returned = new int[expertRows];
    long[] sourceStart = new long[ranks];
    for (int s = 1; s < ranks; s++) {
      sourceStart[s] = sourceStart[s - 1] + recvRows[s - 1];
    }
    int j = 0;
    for (int i = 0; i < local; i++) {
      for (int s = 0; s < ranks; s++) {
        long at = sourceStart[s];
        for (int before = 0; before < i; before++) {
          at += fromSource[s * local + before];
        }
        for (long row = 0; row < fromSource[s * local + i]; row++, j++) {
          received[j] = (int) (at + row);
          returned[(int) (at + row)] = j;
        }
      }
    }
  }

  @Override
  public int[] localCounts() {
    return localCounts;
  }

  @Override
  public INDArray toExperts(INDArray tokenSide) {
    int pairs = (int) tokenSide.rows();
    long width = tokenSide.columns();
    if (tokenRows > pairs) {
      throw new IllegalArgumentException("the plan keeps " + tokenRows + " rows but the token "
          + "side has only " + pairs);
    }
    if (expertRows > maxExpertRows(pairs)) {
      throw new IllegalStateException("rank " + group.rank() + " receives " + expertRows
          + " rows but its experts hold at most " + maxExpertRows(pairs) + " (" + ranks
          + " ranks × " + pairs + " pairs): the ranks of an expert group need equal token counts");
    }
    buffers.ensure(pairs, width, tokenSide.dataType());
    setElements(width);
    INDArray expertSide = buffers.expertIn[phase];
    phase ^= 1;
    // One local expert per rank: the received order already is the experts' order.
    INDArray into = local == 1 ? expertSide : buffers.staging;
    long t0 = System.nanoTime();
    group.allToAllV(Flat.rows(tokenSide, tokenRows), sendElements,
        Flat.rows(into, expertRows), recvElements);
    clock.add(System.nanoTime() - t0);
    if (local > 1 && expertRows > 0) {
      Nd4j.pullRows(buffers.staging, Views.prefix(expertSide, expertRows), 1, received);
    }
    return expertSide;
  }

  @Override
  public INDArray fromExperts(INDArray expertSide) {
    INDArray from = expertSide;
    if (local > 1 && expertRows > 0) {
      Nd4j.pullRows(expertSide, Views.prefix(buffers.staging, expertRows), 1, returned);
      from = buffers.staging;
    }
    long t0 = System.nanoTime();
    group.allToAllV(Flat.rows(from, expertRows), recvElements,
        Flat.rows(buffers.tokenOut, tokenRows), sendElements);
    clock.add(System.nanoTime() - t0);
    return buffers.tokenOut;
  }

  private void setElements(long width) {
    for (int p = 0; p < ranks; p++) {
      sendElements[p] = sendRows[p] * width;
      recvElements[p] = recvRows[p] * width;
    }
  }

  /** Row buffers, reallocated only when the token count, width or data type changes. */
  private final class Buffers {
    /** Expert-side inputs: the forward's stays intact while the backward fills the other. */
    final INDArray[] expertIn = new INDArray[2];
    /** Rows in [source][local expert] order, both ways. */
    INDArray staging;
    /** [pairs + 1, C]: row {@code pairs} stays zero for the dispatcher's dropped pairs. */
    INDArray tokenOut;

    void ensure(int pairs, long width, DataType type) {
      if (tokenOut != null && tokenOut.rows() == pairs + 1L && tokenOut.columns() == width
          && tokenOut.dataType() == type) {
        return;
      }
      long rows = Math.max(1, maxExpertRows(pairs));
      expertIn[0] = Nd4j.create(type, rows, width);
      expertIn[1] = Nd4j.create(type, rows, width);
      staging = local > 1 ? Nd4j.create(type, rows, width) : null;
      tokenOut = Nd4j.zeros(type, pairs + 1L, width);
    }
  }
}
