package org.moespark.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpertGridTest {
  @Test
  void fourRanksWithExpertParallelTwoSumOverTheirExpertAndReplicaGroups() throws Exception {
    List<Collective> world = InProcessCollective.create(4, CollectiveOptions.of(Duration.ofSeconds(30)));
    try {
      List<double[]> got = RankThreads.all(4, r -> {
        ExpertGrid grid = ExpertGrid.of(world.get(r), 2);
        assertThat(grid.world()).isSameAs(world.get(r));
        assertThat(grid.expertParallel()).isEqualTo(2);
        assertThat(grid.experts().size()).isEqualTo(2);
        assertThat(grid.experts().rank()).isEqualTo(r % 2);
        assertThat(grid.replicas().size()).isEqualTo(2);
        assertThat(grid.replicas().rank()).isEqualTo(r / 2);
        double[] experts = {1 << r};
        double[] replicas = {1 << r};
        grid.experts().allReduceSum(experts);
        grid.replicas().allReduceSum(replicas);
        return new double[] {experts[0], replicas[0]};
      });
      // Rank r contributes 2^r: expert groups {0, 1} and {2, 3}, replica groups {0, 2} and {1, 3}.
      assertThat(got.get(0)).containsExactly(1 + 2, 1 + 4);
      assertThat(got.get(1)).containsExactly(1 + 2, 2 + 8);
      assertThat(got.get(2)).containsExactly(4 + 8, 1 + 4);
      assertThat(got.get(3)).containsExactly(4 + 8, 2 + 8);
    } finally {
      world.forEach(Collective::close);
    }
  }

  @Test
  void theShardOfAGroupOfOneHoldsEveryExpert() {
    ExpertGrid grid = ExpertGrid.of(Collective.single(), 1);
    assertThat(grid.shard(8).isWhole()).isTrue();
    assertThat(grid.replicas().size()).isEqualTo(1);
  }

  @Test
  void expertParallelismMustDivideTheWorld() {
    List<Collective> world = InProcessCollective.create(4, CollectiveOptions.of(Duration.ofSeconds(5)));
    try {
      assertThatThrownBy(() -> ExpertGrid.of(world.get(0), 3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("train.expert-parallel = 3").hasMessageContaining("4 ranks");
    } finally {
      world.forEach(Collective::close);
    }
  }
}
