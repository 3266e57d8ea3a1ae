package org.moespark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.config.PipelineConfig;
import org.moespark.dist.Collective;
import org.moespark.dist.CollectiveOptions;
import org.moespark.dist.InProcessCollective;

/**
 * The loop on W in-process ranks computes what one rank computes on the whole global batch: the
 * same losses and parameters after 10 steps, with the Switch, z and sequence losses on (their
 * statistics are global-batch quantities) and DeepSeek bias balancing (loads summed over ranks).
 */
class DataParallelEquivalenceTest {
  @TempDir Path dir;

  static PipelineConfig config(String... extra) {
    List<String> sets = new ArrayList<>(List.of("train.batch-size=8", "train.steps=10",
        "train.eval-every=5", "train.checkpoint-every=10", "model.seq-aux-coef=0.01"));
    sets.addAll(List.of(extra));
    return TinyTraining.config(sets.toArray(new String[0]));
  }

  /** Final parameters (rank 0's; every rank is checked to hold the same) and rank 0's rows. */
  record Run(float[] params, ListSink sink) {}

  Run train(PipelineConfig cfg, int world, String name) throws Exception {
    int[][] data = TinyTraining.sequences(64, cfg.model().seqLen(), 1);
    int[][] eval = TinyTraining.sequences(16, cfg.model().seqLen(), 2);
    List<Collective> ranks = world == 1 ? List.of(Collective.single())
        : InProcessCollective.create(world, CollectiveOptions.of(Duration.ofSeconds(60)));
    ExecutorService pool = Executors.newFixedThreadPool(world);
    List<Future<float[]>> params = new ArrayList<>();
    ListSink sink = new ListSink();
    for (Collective dp : ranks) {
      params.add(pool.submit(() -> {
        CheckpointStore store = new CheckpointStore(dir.resolve(name + "-" + dp.rank()).toString(), 1,
            new Configuration());
        TrainLoop loop = new TrainLoop(cfg, cfg.model(), "moe", dp, store,
            dp.rank() == 0 ? sink : new ListSink(), eval, "none");
        loop.restore(Optional.empty());
        loop.train(cfg.train().steps(), BatchPlan.of(cfg.train(), data.length), TrainingData.of(data));
        return loop.params().toFloatVector();
      }));
    }
    float[] first = params.get(0).get(5, TimeUnit.MINUTES);
    for (Future<float[]> f : params) {
      assertThat(f.get()).as("every rank holds the same parameters").containsExactly(first);
    }
    pool.shutdown();
    return new Run(first, sink);
  }

  @Test
  void oneTwoAndFourRanksGiveTheSameLossesAndParameters() throws Exception {
    PipelineConfig cfg = config("model.bias-rate=0.01");
    Run one = train(cfg, 1, "w1");
    for (int w : new int[] {2, 4}) {
      Run many = train(cfg, w, "w" + w);
      double[] a = one.sink().trainLosses();
      double[] b = many.sink().trainLosses();
      assertThat(b).hasSize(10);
      for (int i = 0; i < a.length; i++) {
        assertThat(b[i]).as("W=%d step %d loss", w, i + 1).isCloseTo(a[i], within(1e-5 * Math.abs(a[i])));
      }
      System.out.printf("W=%d: parameters max |diff| %.3g, relative L2 %.3g%n", w,
          maxDiff(one.params(), many.params()), relL2(one.params(), many.params()));
      assertThat(relL2(one.params(), many.params())).as("W=%d parameters, relative L2", w).isLessThan(1e-5);
    }
  }

  static double maxDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  static double relL2(float[] a, float[] b) {
    double d = 0;
    double n = 0;
    for (int i = 0; i < a.length; i++) {
      d += (a[i] - b[i]) * (double) (a[i] - b[i]);
      n += a[i] * (double) a[i];
    }
    return Math.sqrt(d / n);
  }
}
