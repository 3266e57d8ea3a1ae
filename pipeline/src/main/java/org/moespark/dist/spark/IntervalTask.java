package org.moespark.dist.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.sql.Row;
import org.moespark.config.PipelineConfig;
import org.moespark.dist.Collective;
import org.moespark.dist.ExpertGrid;
import org.moespark.model.ModelConfig;
import org.moespark.tokenizer.Sequences;
import org.moespark.train.CheckpointStore;
import org.moespark.train.SequenceTable;
import org.moespark.train.TrainLoop;
import org.moespark.train.TrainingData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * One rank of one checkpoint interval, run as a barrier task: bind the GPU, connect to the other
 * ranks, load the interval's starting checkpoint, train to its end on the rows the driver routed to
 * this partition, write the checkpoint (rank 0), and hand rank 0's rows back.
 */
final class IntervalTask implements Serializable {
  private static final Logger LOG = LoggerFactory.getLogger(IntervalTask.class);

  private final Map<String, String> config;
  private final Map<String, String> hadoopConf;
  private final String variant;
  private final String checkpointDir;
  private final long trainSequences;
  private final List<Row> evalRows;
  private final String tokenizerHash;
  private final long from;
  private final long until;
  private final Fault fault;

  IntervalTask(Map<String, String> config, Map<String, String> hadoopConf, String variant,
      String checkpointDir, long trainSequences, List<Row> evalRows, String tokenizerHash,
      long from, long until, Fault fault) {
    this.config = config;
    this.hadoopConf = hadoopConf;
    this.variant = variant;
    this.checkpointDir = checkpointDir;
    this.trainSequences = trainSequences;
    this.evalRows = evalRows;
    this.tokenizerHash = tokenizerHash;
    this.from = from;
    this.until = until;
    this.fault = fault;
  }

  Iterator<IntervalOutput> run(Iterator<Tuple2<Integer, Tuple2<Long, int[]>>> rows) {
    BarrierTaskContext ctx = BarrierTaskContext.get();
    GpuBinding.bindTaskGpu();
    PipelineConfig cfg = PipelineConfig.fromFlat(config);
    ModelConfig model = SparkTrainStage.variantConfig(cfg, variant);
    Map<Long, int[]> mine = new HashMap<>();
    rows.forEachRemaining(r -> mine.put(r._2()._1(), SequenceTable.checked(r._2()._2(), model)));
    Sequences eval = Sequences.of(evalRows.iterator());
    Configuration conf = new Configuration(false);
    hadoopConf.forEach(conf::set);
    CheckpointStore store = new CheckpointStore(checkpointDir, cfg.train().keepCheckpoints(), conf);
    TaskSink sink = new TaskSink(eval, cfg.train().batchSize());
    try (Collective dp = Rendezvous.connect(ctx, cfg.train().collectiveTimeout())) {
      LOG.info("{} rank {}/{} (stage attempt {}): steps {}..{} on {} sequences", variant, dp.rank(),
          dp.size(), ctx.stageAttemptNumber(), from, until, mine.size());
      TrainLoop loop = new TrainLoop(cfg, model, variant,
          ExpertGrid.of(dp, model.dense() ? 1 : cfg.train().expertParallel()), store, sink,
          SparkTrainStage.evalTokens(eval, model), tokenizerHash)
          .afterEachStep(step -> {
            if (fault != null) {
              fault.maybeFire(dp.rank(), step, ctx.stageAttemptNumber());
            }
          });
      loop.restore(from == 0 ? Optional.empty() : Optional.of(store.manifest(from)));
      loop.train(until, SparkTrainStage.plan(cfg, trainSequences), TrainingData.of(trainSequences, mine));
      if (dp.rank() != 0) {
        return java.util.Collections.emptyIterator();
      }
      return List.of(new IntervalOutput(sink.metrics, sink.loads, sink.routing, loop.result())).iterator();
    }
  }
}
