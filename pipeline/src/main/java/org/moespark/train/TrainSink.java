package org.moespark.train;

import org.moespark.model.MoeTransformer;

/**
 * Where the training loop's side effects go, so the same loop runs on the driver (rows written to
 * the tables) and inside a Spark task (rows handed back to the driver). Called on rank 0 only.
 */
public interface TrainSink {
  void metric(MetricRow row);

  void load(LoadRow row);

  /**
   * Logs the routing of the fixed sample batch after {@code step} (split train-sample): the model
   * has just run forward, without training, on the first {@code train.batch-size} of the eval
   * sequences, which this sink knows with their document labels.
   */
  void sampleRouting(MoeTransformer model, long step);

  /** Called before the checkpoint of {@code step} is written: a checkpoint's rows are durable first. */
  void beforeCheckpoint(long step);
}
