package org.moespark.dist;

import java.util.stream.IntStream;
import org.moespark.model.ExpertShard;

/**
 * The groups of one rank in a world of W ranks with expert parallelism P (DESIGN §4): the expert
 * group of the P consecutive ranks {@code [g·P, (g+1)·P)} (g = rank / P) shares the E experts; the
 * replica group {@code {rank % P, rank % P + P, …}} (W/P ranks) holds the same experts, over which
 * their gradients are summed.
 */
public record ExpertGrid(Collective world, Collective experts, Collective replicas,
    int expertParallel) {

  /**
   * Creates this rank's two groups. Every rank calls it at the same point of its use of
   * {@code world} (sub-groups are named by their creation order in the parent), and creates its
   * own expert group first, then its own replica group.
   */
  public static ExpertGrid of(Collective world, int expertParallel) {
    int w = world.size();
    if (expertParallel < 1 || w % expertParallel != 0) {
      throw new IllegalArgumentException("expert parallelism " + expertParallel
          + " must be >= 1 and divide the world of " + w + " ranks");
    }
    int r = world.rank();
    int first = r / expertParallel * expertParallel;
    Collective experts = world.group(IntStream.range(first, first + expertParallel).toArray());
    Collective replicas = world.group(
        IntStream.iterate(r % expertParallel, i -> i < w, i -> i + expertParallel).toArray());
    return new ExpertGrid(world, experts, replicas, expertParallel);
  }

  /** The experts of this rank: its slice of the expert group, one exchange per MoE layer. */
  public ExpertShard shard(int totalExperts) {
    return AllToAllExchange.shard(experts, totalExperts);
  }
}
