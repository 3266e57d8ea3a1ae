package org.moespark.dist;

import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.moespark.model.ExpertShard;

/**
 * A rank's process groups for W ranks with expert-parallel degree P (DESIGN §4): the expert group
 * is the P consecutive ranks [g·P, (g+1)·P) that share the E experts (rank i of it owns
 * [i·E/P, (i+1)·E/P)); the replicas are the W/P ranks {r mod P, r mod P + P, …} holding the same
 * experts, over which expert gradients are summed. Dense gradients are summed over the world.
 */
public record ExpertGrid(Collective world, Collective experts, Collective replicas, int expertParallel,
    LongAdder exchangeNanos) {
  /** The experts this rank holds of {@code experts} and how their rows travel (timed). */
  public ExpertShard shard(int experts) {
    return expertParallel == 1 ? ExpertShard.all(experts)
        : AllToAllExchange.shard(this.experts, experts, exchangeNanos);
  }

  /** Creates this rank's two groups (every rank in the same order: expert group, then replicas). */
  public static ExpertGrid of(Collective world, int expertParallel) {
    int w = world.size();
    if (expertParallel < 1 || w % expertParallel != 0) {
      throw new IllegalArgumentException("train.expert-parallel = " + expertParallel
          + " must divide the " + w + " ranks (train.workers)");
    }
    if (expertParallel == 1) {
      return new ExpertGrid(world, Collective.single(), world, 1, new LongAdder());
    }
    int r = world.rank();
    int first = r / expertParallel * expertParallel;
    Collective experts = world.group(IntStream.range(first, first + expertParallel).toArray());
    Collective replicas = expertParallel == w ? Collective.single()
        : world.group(IntStream.iterate(r % expertParallel, i -> i < w, i -> i + expertParallel).toArray());
    return new ExpertGrid(world, experts, replicas, expertParallel, new LongAdder());
  }
}
