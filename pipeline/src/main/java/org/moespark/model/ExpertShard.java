package org.moespark.model;

import java.util.function.Supplier;
import org.moespark.model.moe.ExpertExchange;
import org.moespark.model.moe.LocalExchange;
import org.nd4j.common.base.Preconditions;

/**
 * The experts this rank holds, {@code [first, first + count)} of {@code total}, and how their rows
 * travel (one exchange per MoE layer). Expert parallelism (DESIGN §4): rank r of an expert group
 * of P holds {@code [r·E/P, (r+1)·E/P)}; without it a rank holds all E and nothing moves.
 */
public record ExpertShard(int first, int count, int total, Supplier<ExpertExchange> exchanges) {
  public ExpertShard {
    Preconditions.checkArgument(first >= 0 && count > 0 && first + count <= total,
        "experts [%s, %s) are not within [0, %s)", first, first + count, total);
  }

  /** Every expert, computed here. */
  public static ExpertShard all(int experts) {
    return new ExpertShard(0, experts, experts, LocalExchange::new);
  }

  public boolean isWhole() {
    return count == total;
  }
}
