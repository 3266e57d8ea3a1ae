package org.moespark.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.moespark.config.PipelineConfig;
import org.moespark.dist.Collective;
import org.moespark.dist.CollectiveOptions;
import org.moespark.dist.ExpertGrid;
import org.moespark.dist.InProcessCollective;
import org.moespark.model.MoeTransformer;
import org.moespark.model.ParamBuffer;
import org.nd4j.linalg.api.buffer.DataType;

/** The training loop on W ranks as threads of this JVM (the math of the engines, without Spark). */
final class InProcessRanks {
  private InProcessRanks() {}

  /** Rank 0's rows and the whole model's parameters of the checkpoint the run ended with. */
  record Run(ListSink sink, double[] params) {}

  /**
   * Trains {@code world} ranks with expert parallelism {@code expertParallel} from checkpoint step
   * {@code from} (0: fresh) of {@code checkpoints} to {@code train.steps}, on TinyTraining's data.
   */
  static Run train(PipelineConfig cfg, int world, int expertParallel, Path checkpoints, long from)
      throws Exception {
    return train(cfg, world, expertParallel, checkpoints, from, DataType.FLOAT);
  }

  static Run train(PipelineConfig cfg, int world, int expertParallel, Path checkpoints, long from,
      DataType type) throws Exception {
    int[][] data = TinyTraining.sequences(64, cfg.model().seqLen(), 1);
    int[][] eval = TinyTraining.sequences(16, cfg.model().seqLen(), 2);
    List<Collective> ranks = world == 1 ? List.of(Collective.single())
        : InProcessCollective.create(world, CollectiveOptions.of(Duration.ofSeconds(60)));
    ExecutorService pool = Executors.newFixedThreadPool(world);
    ListSink sink = new ListSink();
    List<Future<Long>> done = new ArrayList<>();
    for (Collective dp : ranks) {
      done.add(pool.submit(() -> {
        CheckpointStore store = new CheckpointStore(checkpoints.toString(), 10, new Configuration());
        TrainLoop loop = new TrainLoop(cfg, cfg.model(), "moe", ExpertGrid.of(dp, expertParallel), store,
            dp.rank() == 0 ? sink : new ListSink(), eval, "none", type);
        loop.restore(from == 0 ? Optional.empty() : Optional.of(store.manifest(from)));
        loop.train(cfg.train().steps(), BatchPlan.of(cfg.train(), data.length), TrainingData.of(data));
        return loop.step();
      }));
    }
    try {
      for (Future<Long> f : done) {
        assertThat(f.get(5, TimeUnit.MINUTES)).isEqualTo(cfg.train().steps());
      }
    } finally {
      pool.shutdownNow();
    }
    return new Run(sink, checkpoint(cfg, checkpoints, cfg.train().steps(), type));
  }

  /** The whole model's parameters in checkpoint {@code step}, whatever sharding wrote it. */
  static double[] checkpoint(PipelineConfig cfg, Path checkpoints, long step, DataType type) {
    CheckpointStore store = new CheckpointStore(checkpoints.toString(), 10, new Configuration());
    ParamBuffer pb = MoeTransformer.layout(cfg.model()).allocate(type);
    store.load(store.manifest(step), pb, Map.of());
    return pb.params().toDoubleVector();
  }
}
