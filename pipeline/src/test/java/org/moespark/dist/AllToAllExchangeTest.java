package org.moespark.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.moespark.dist.RankThreads.Outcome;
import org.moespark.model.ExpertShard;
import org.moespark.model.ModelConfig;
import org.moespark.model.ModelConfigs;
import org.moespark.model.MoeFfn;
import org.moespark.model.MoeParams;
import org.moespark.model.ParamBuffer;
import org.moespark.model.Views;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * P ranks, each with its own batch and its slice of the experts, against one whole-model layer
 * run on each rank's batch alone: outputs, input and router gradients per rank; an expert's
 * gradient is the sum over all ranks' whole-model runs, since the expert sees every rank's tokens.
 */
class AllToAllExchangeTest {
  static final int C = 8;
  static final int SEQUENCES = 4;
  static final String BASE = "d-model=" + C + ",heads=1,ffn-hidden=6,";

  static Stream<Arguments> layers() {
    List<Arguments> all = new ArrayList<>();
    for (int ranks : new int[] {2, 4}) {
      all.add(Arguments.of("softmax top-2 dropless", "router=softmax,top-k=2,experts=4",
          DataType.DOUBLE, ranks));
      all.add(Arguments.of("sigmoid top-2 with a shared expert",
          "router=sigmoid,top-k=2,experts=8,shared-experts=1,shared-hidden=4", DataType.FLOAT,
          ranks));
      all.add(Arguments.of("softmax top-2 capacity drops",
          "router=softmax,top-k=2,experts=8,capacity-factor=1.0", DataType.DOUBLE, ranks));
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}, {2}, P={3}")
  @MethodSource("layers")
  void eachRankMatchesTheWholeLayerOnItsOwnBatch(String name, String overrides, DataType type,
      int ranks) throws Exception {
    ModelConfig cfg = ModelConfigs.of((BASE + overrides).split(","));
    ParamBuffer whole = wholeParams(cfg, type, name.hashCode());
    try (Layers layers = new Layers(cfg, whole, ranks)) {
      // Two steps, the second with more tokens, so the exchange's buffers are reused and regrown.
      for (int seqLen : new int[] {4, 6}) {
        List<INDArray> xs = batches(ranks, seqLen, type);
        List<INDArray> dys = batches(ranks, seqLen, type);
        List<Step> got = layers.step(xs, dys);
        List<Step> want = wholeLayer(cfg, whole, xs, dys);
        double worst =
            assertEquivalent(cfg, layers, got, want, type == DataType.FLOAT ? 1e-5 : 1e-10);
        long drops = got.stream().mapToLong(Step::dropped).sum();
        if (cfg.capacityFactor() == 0) {
          assertThat(drops).isZero();
        } else {
          assertThat(drops).isPositive();
        }
        assertThat(drops).isEqualTo(want.stream().mapToLong(Step::dropped).sum());
        System.out.printf("%s, %s, P=%d, %d tokens per rank: max relative difference %.3g%n",
            name, type, ranks, SEQUENCES * seqLen, worst);
      }
    }
  }

  static Stream<Arguments> imbalance() {
    return Stream.of(Arguments.of("dropless", 0.0), Arguments.of("capacity 1.0", 1.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("imbalance")
  void everyTokenOfEveryRankPickingRankZerosExpertsCompletes(String name, double cf)
      throws Exception {
    int ranks = 4;
    ModelConfig cfg = ModelConfigs.of((BASE + "router=softmax,top-k=2,experts=8,capacity-factor="
        + cf).split(","));
    ParamBuffer whole = wholeParams(cfg, DataType.DOUBLE, 11);
    // Logits depend on feature 0 alone, which every token has positive: experts 0 and 1 (both on
    // rank 0) win for every token.
    routeTo(MoeParams.of(whole, "").router(), 4.0, 3.0, -1, -1, -1, -1, -1, -1);
    List<INDArray> xs = batches(ranks, 5, DataType.DOUBLE);
    xs.forEach(x -> x.getColumn(0).assign(1));
    List<INDArray> dys = batches(ranks, 5, DataType.DOUBLE);
    try (Layers layers = new Layers(cfg, whole, ranks)) {
      List<Step> got = layers.step(xs, dys);

      int pairs = SEQUENCES * 5 * 2;
      int keptPerRank = cf == 0 ? pairs : 2 * (int) Math.ceil(cf * pairs / 8);
      assertThat(layers.exchanges.get(0).localCounts())
          .containsExactly(ranks * keptPerRank / 2, ranks * keptPerRank / 2);
      for (int r = 1; r < ranks; r++) {
        assertThat(layers.exchanges.get(r).localCounts()).containsOnly(0);
      }
      assertThat(got).allSatisfy(s -> assertThat(s.dropped()).isEqualTo(pairs - keptPerRank));
      double worst = assertEquivalent(cfg, layers, got, wholeLayer(cfg, whole, xs, dys), 1e-10);
      System.out.printf("imbalance %s, P=%d: max relative difference %.3g%n", name, ranks, worst);
    }
  }

  /** Router logits = x[:, 0] · {@code row0}: the other features do not count. */
  private static void routeTo(INDArray router, double... row0) {
    router.assign(0);
    for (int e = 0; e < row0.length; e++) {
      router.putScalar(0, e, row0[e]);
    }
  }

  @Test
  void aRankReceivingMoreRowsThanItsExpertsHoldFailsNamingTheCounts() throws Exception {
    ModelConfig cfg = ModelConfigs.of((BASE + "router=softmax,top-k=1,experts=2").split(","));
    ParamBuffer whole = wholeParams(cfg, DataType.DOUBLE, 5);
    routeTo(MoeParams.of(whole, "").router(), 1.0, -1.0);
    // Rank 1 has 4 times rank 0's tokens, and all of them go to rank 0's expert.
    List<INDArray> xs = List.of(Nd4j.ones(DataType.DOUBLE, 4, C), Nd4j.ones(DataType.DOUBLE, 16, C));
    try (Layers layers = new Layers(cfg, whole, 2, Duration.ofSeconds(2))) {
      List<Outcome<Step>> out = RankThreads.outcomes(2,
          r -> layers.run(r, xs.get(r), xs.get(r)));
      assertThat(out.get(0).error()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("receives 20 rows")
          .hasMessageContaining("at most 8 (2 ranks × 4 pairs)");
      assertThat(out.get(1).error()).isInstanceOf(CollectiveException.class);
    }
  }

  @Test
  void expertsMustSplitEvenlyOverTheGroup() throws Exception {
    List<Collective> world = InProcessCollective.create(4, CollectiveOptions.of(Duration.ofSeconds(5)));
    try {
      assertThatThrownBy(() -> AllToAllExchange.shard(world.get(0), 6))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("6 experts").hasMessageContaining("4 ranks");
    } finally {
      world.forEach(Collective::close);
    }
  }

  /** One layer per rank over its shard, each with its own exchange on a shared world. */
  static final class Layers implements AutoCloseable {
    final List<ExpertShard> shards = new ArrayList<>();
    final List<ParamBuffer> params = new ArrayList<>();
    final List<AllToAllExchange> exchanges = new ArrayList<>();
    final List<MoeFfn> ffns = new ArrayList<>();
    private final List<Collective> world;

    Layers(ModelConfig cfg, ParamBuffer whole, int ranks) {
      this(cfg, whole, ranks, Duration.ofSeconds(60));
    }

    Layers(ModelConfig cfg, ParamBuffer whole, int ranks, Duration timeout) {
      this.world = InProcessCollective.create(ranks, CollectiveOptions.of(timeout));
      for (Collective rank : world) {
        ExpertShard shard = AllToAllExchange.shard(rank, cfg.experts());
        ParamBuffer.Builder b = ParamBuffer.builder().firstExpert(shard.first());
        MoeParams.addTo(b, "", cfg, shard.count());
        ParamBuffer pb = b.allocate(whole.dataType());
        for (ParamBuffer.Slot s : pb.slots()) {
          if (s.isExpert()) {
            for (int i = 0; i < shard.count(); i++) {
              Views.slice(pb.view(s.name()), i).assign(Views.slice(whole.view(s.name()), shard.first() + i));
            }
          } else {
            pb.view(s.name()).assign(whole.view(s.name()));
          }
        }
        AllToAllExchange exchange = (AllToAllExchange) shard.exchanges().get();
        shards.add(shard);
        params.add(pb);
        exchanges.add(exchange);
        ffns.add(new MoeFfn(cfg, MoeParams.of(pb, ""), 1, exchange));
      }
    }

    List<Step> step(List<INDArray> xs, List<INDArray> dys) throws Exception {
      return RankThreads.all(world.size(), r -> run(r, xs.get(r), dys.get(r)));
    }

    Step run(int r, INDArray x, INDArray dy) {
      params.get(r).grads().assign(0);
      MoeFfn ffn = ffns.get(r);
      INDArray y = ffn.forward(x, SEQUENCES, true).dup();
      INDArray dx = ffn.backward(dy).dup();
      return new Step(y, dx, params.get(r).grads().dup(), ffn.stats().droppedTokens());
    }

    @Override
    public void close() {
      world.forEach(Collective::close);
    }
  }

  record Step(INDArray y, INDArray dx, INDArray grads, long dropped) {}

  /** The whole layer on each rank's batch alone, from zero gradients each time. */
  static List<Step> wholeLayer(ModelConfig cfg, ParamBuffer whole, List<INDArray> xs,
      List<INDArray> dys) {
    MoeFfn ffn = new MoeFfn(cfg, MoeParams.of(whole, ""), 1);
    List<Step> out = new ArrayList<>();
    for (int r = 0; r < xs.size(); r++) {
      whole.grads().assign(0);
      INDArray y = ffn.forward(xs.get(r), SEQUENCES, true).dup();
      INDArray dx = ffn.backward(dys.get(r)).dup();
      out.add(new Step(y, dx, whole.grads().dup(), ffn.stats().droppedTokens()));
    }
    return out;
  }

  /** Asserts every compared array within {@code tol} relative; returns the largest difference. */
  static double assertEquivalent(ModelConfig cfg, Layers layers, List<Step> got, List<Step> want,
      double tol) {
    double worst = 0;
    ParamBuffer wholeLayout = layout(cfg, got.get(0).grads().dataType());
    for (int r = 0; r < got.size(); r++) {
      Step g = got.get(r);
      Step w = want.get(r);
      ParamBuffer pb = layers.params.get(r);
      ExpertShard shard = layers.shards.get(r);
      worst = Math.max(worst, check("y of rank " + r, g.y(), w.y(), tol));
      worst = Math.max(worst, check("dx of rank " + r, g.dx(), w.dx(), tol));
      for (ParamBuffer.Slot s : pb.slots()) {
        INDArray mine = slotOf(pb, s, g.grads());
        if (!s.isExpert()) {
          worst = Math.max(worst, check(s.name() + " gradient of rank " + r, mine,
              slotOf(wholeLayout, wholeLayout.slot(s.name()), w.grads()), tol));
          continue;
        }
        for (int i = 0; i < shard.count(); i++) {
          INDArray sum = null;
          for (Step each : want) {
            INDArray part = Views.slice(slotOf(wholeLayout, wholeLayout.slot(s.name()),
                each.grads()), shard.first() + i);
            sum = sum == null ? part.dup() : sum.addi(part);
          }
          worst = Math.max(worst, check(s.name() + " gradient of expert " + (shard.first() + i)
              + " on rank " + r, Views.slice(mine, i), sum, tol));
        }
      }
    }
    return worst;
  }

  private static double check(String what, INDArray got, INDArray want, double tol) {
    double scale = Math.max(want.amaxNumber().doubleValue(), 1e-30);
    double diff = got.sub(want).amaxNumber().doubleValue() / scale;
    assertThat(diff).as("%s: max |got - want| / max |want|", what).isLessThanOrEqualTo(tol);
    return diff;
  }

  /** Slot {@code s} of {@code pb}'s layout within {@code flat}, a copy of its gradient buffer. */
  private static INDArray slotOf(ParamBuffer pb, ParamBuffer.Slot s, INDArray flat) {
    return flat.get(NDArrayIndex.interval(s.offset(), s.offset() + s.length()))
        .reshape('c', s.shape());
  }

  static ParamBuffer layout(ModelConfig cfg, DataType type) {
    ParamBuffer.Builder b = ParamBuffer.builder();
    MoeParams.addTo(b, "", cfg, cfg.experts());
    return b.allocate(type);
  }

  static ParamBuffer wholeParams(ModelConfig cfg, DataType type, long seed) {
    ParamBuffer pb = layout(cfg, type);
    Nd4j.getRandom().setSeed(seed);
    pb.params().assign(Nd4j.randn(type, pb.size()).muli(0.5));
    MoeParams.of(pb, "").expertBias().assign(0);
    return pb;
  }

  static List<INDArray> batches(int ranks, int seqLen, DataType type) {
    return new ArrayList<>(IntStream.range(0, ranks)
        .mapToObj(r -> Nd4j.randn(type, SEQUENCES * seqLen, C)).toList());
  }
}
