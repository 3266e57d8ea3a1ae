package org.moespark.train;

import java.util.ArrayList;
import java.util.List;
import org.moespark.model.MoeTransformer;

/** Keeps the loop's rows in memory, for engine tests. */
final class ListSink implements TrainSink {
  final List<MetricRow> metrics = new ArrayList<>();
  final List<LoadRow> loads = new ArrayList<>();

  @Override
  public void metric(MetricRow row) {
    metrics.add(row);
  }

  @Override
  public void load(LoadRow row) {
    loads.add(row);
  }

  @Override
  public void sampleRouting(MoeTransformer model, long step) {}

  @Override
  public void beforeCheckpoint(long step) {}

  /** Train loss by step. */
  double[] trainLosses() {
    return metrics.stream().filter(m -> m.split().equals("train")).mapToDouble(MetricRow::loss).toArray();
  }
}
