package org.moespark.dist.spark;

import java.io.Serializable;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/** {@link IntervalTask#run} as the Scala function {@code RDDBarrier.mapPartitions} takes (no Java API). */
final class BarrierFunction
    extends AbstractFunction1<Iterator<Tuple2<Integer, Tuple2<Long, int[]>>>, Iterator<IntervalOutput>>
    implements Serializable {
  private final IntervalTask task;

  BarrierFunction(IntervalTask task) {
    this.task = task;
  }

  @Override
  public Iterator<IntervalOutput> apply(Iterator<Tuple2<Integer, Tuple2<Long, int[]>>> rows) {
    return JavaConverters.asScalaIterator(task.run(JavaConverters.asJavaIterator(rows)));
  }
}
