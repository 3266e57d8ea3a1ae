package org.moespark.dist.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;
import org.moespark.train.LoadRow;
import org.moespark.train.MetricRow;
import org.moespark.train.TrainLoop;

/** What rank 0 of a barrier interval hands back to the driver: its table rows and where it ended. */
record IntervalOutput(List<MetricRow> metrics, List<LoadRow> loads, List<Row> routing,
    TrainLoop.Result result) implements Serializable {}
