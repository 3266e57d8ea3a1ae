package org.moespark.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.moespark.model.ExpertShard;
import org.moespark.model.LossParts;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeTransformer;
import org.moespark.model.ParamBuffer;
import org.moespark.model.Views;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A two-MoE-layer model on a world of 4 ranks with expert parallelism 2 (each layer with its own
 * exchange on the rank's expert group) against the whole model on each rank's batch alone. Experts
 * see the tokens of their expert group only, so an expert's gradient is the sum over that group.
 */
class ExpertParallelModelTest {
  static final int WORLD = 4;
  static final int EP = 2;
  static final long SEED = 17;

  @Test
  void lossesAndGradientsEqualTheWholeModelOnEachRanksBatch() throws Exception {
    // vocab 32, d 8, 2 layers both MoE, 4 experts top-2 softmax, capacity 1.0, a shared expert,
    // all three router losses, init std 0.2 so that routing is far from uniform.
    ModelConfig cfg = new ModelConfig(32, 8, 2, 2, 6, 6, 4, 2, ModelConfig.Router.SOFTMAX, true, 0,
        1.0, 1, 4, 1, 0.01, 0.01, 0.001, 0, false, true, 10000, 1e-5, 0.2);
    Random random = new Random(3);
    List<int[][]> batches = new ArrayList<>();
    for (int r = 0; r < WORLD; r++) {
      int[][] tokens = new int[3][7];
      for (int[] seq : tokens) {
        for (int t = 0; t < seq.length; t++) {
          seq[t] = random.nextInt(32);
        }
      }
      batches.add(tokens);
    }
    MoeTransformer whole = MoeTransformer.create(cfg, DataType.DOUBLE, SEED);
    List<Double> wholeLoss = new ArrayList<>();
    List<Map<String, INDArray>> wholeGrads = new ArrayList<>();
    for (int[][] tokens : batches) {
      whole.zeroGrads();
      wholeLoss.add(whole.forward(tokens, true).total());
      whole.backward();
      Map<String, INDArray> grads = new HashMap<>();
      whole.params().slots().forEach(s -> grads.put(s.name(), whole.params().grad(s.name()).dup()));
      wholeGrads.add(grads);
    }

    List<Collective> world = InProcessCollective.create(WORLD, CollectiveOptions.of(Duration.ofSeconds(60)));
    try {
      List<double[]> worst = RankThreads.all(WORLD, r -> {
        ExpertGrid grid = ExpertGrid.of(world.get(r), EP);
        ExpertShard shard = grid.shard(cfg.experts());
        MoeTransformer model = MoeTransformer.create(cfg, DataType.DOUBLE, SEED, shard);
        LossParts loss = model.forward(batches.get(r), true);
        model.backward();
        assertThat(loss.total()).isCloseTo(wholeLoss.get(r), within(1e-12));
        int groupStart = r / EP * EP;
        double maxDiff = 0;
        ParamBuffer pb = model.params();
        for (ParamBuffer.Slot s : pb.slots()) {
          if (!s.isExpert()) {
            maxDiff = Math.max(maxDiff, diff(s.name() + " on rank " + r, pb.grad(s.name()),
                wholeGrads.get(r).get(s.name())));
            continue;
          }
          for (int i = 0; i < shard.count(); i++) {
            int global = shard.first() + i;
            assertThat(Views.slice(pb.view(s.name()), i))
                .isEqualTo(Views.slice(whole.params().view(s.name()), global));
            INDArray sum = null;
            for (int peer = groupStart; peer < groupStart + EP; peer++) {
              INDArray part = Views.slice(wholeGrads.get(peer).get(s.name()), global);
              sum = sum == null ? part.dup() : sum.addi(part);
            }
            maxDiff = Math.max(maxDiff, diff(s.name() + " of expert " + global + " on rank " + r,
                Views.slice(pb.grad(s.name()), i), sum));
          }
        }
        return new double[] {maxDiff};
      });
      System.out.printf("2-layer model, W=%d, EP=%d: max relative gradient difference %.3g%n",
          WORLD, EP, worst.stream().mapToDouble(d -> d[0]).max().orElseThrow());
    } finally {
      world.forEach(Collective::close);
    }
  }

  private static double diff(String what, INDArray got, INDArray want) {
    double d = got.sub(want).amaxNumber().doubleValue()
        / Math.max(want.amaxNumber().doubleValue(), 1e-30);
    assertThat(d).as("%s: max |got - want| / max |want|", what).isLessThanOrEqualTo(1e-10);
    return d;
  }
}
