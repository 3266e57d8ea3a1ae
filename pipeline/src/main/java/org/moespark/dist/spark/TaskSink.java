package org.moespark.dist.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.moespark.model.MoeTransformer;
import org.moespark.routing.RoutingSample;
import org.moespark.tokenizer.Sequences;
import org.moespark.train.LoadRow;
import org.moespark.train.MetricRow;
import org.moespark.train.TrainSink;

/**
 * The rows of one interval inside a task, kept for the driver, which writes the tables after the
 * barrier job (executors never write the run's tables).
 */
final class TaskSink implements TrainSink {
  final List<MetricRow> metrics = new ArrayList<>();
  final List<LoadRow> loads = new ArrayList<>();
  final List<Row> routing = new ArrayList<>();
  private final Sequences sample;
  private final int sampleSize;

  TaskSink(Sequences sample, int sampleSize) {
    this.sample = sample;
    this.sampleSize = sampleSize;
  }

  @Override
  public void metric(MetricRow row) {
    metrics.add(row);
  }

  @Override
  public void load(LoadRow row) {
    loads.add(row);
  }

  @Override
  public void sampleRouting(MoeTransformer model, long step) {
    routing.addAll(RoutingSample.rows(model, step, sample, sampleSize));
  }

  @Override
  public void beforeCheckpoint(long step) {
    // the driver writes the rows when the interval's job returns
  }
}
