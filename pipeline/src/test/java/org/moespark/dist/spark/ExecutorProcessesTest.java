package org.moespark.dist.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.moespark.spark.LocalClusterSpark;
import scala.Function1;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;

/** A barrier stage across real executor processes (local-cluster[2,1,1024]). */
class ExecutorProcessesTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalClusterSpark.get();
  }

  @Test
  void barrierTasksRunInTwoExecutorProcesses() {
    RDD<Integer> two = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(List.of(0, 1), 2).rdd();
    Function1<Iterator<Integer>, Iterator<String>> gatherPids =
        (Function1<Iterator<Integer>, Iterator<String>> & Serializable) partition -> {
          String[] pids = BarrierTaskContext.get()
              .allGather(Long.toString(ProcessHandle.current().pid()));
          return JavaConverters.asScalaIterator(List.of(String.join(",", pids)).iterator());
        };
    String[] seen = (String[]) two.barrier()
        .mapPartitions(gatherPids, false, ClassTag$.MODULE$.apply(String.class)).collect();

    assertThat(seen).hasSize(2);
    assertThat(seen[1]).as("both tasks gathered the same table").isEqualTo(seen[0]);
    List<String> pids = Arrays.asList(seen[0].split(","));
    assertThat(pids).doesNotHaveDuplicates().hasSize(2)
        .doesNotContain(Long.toString(ProcessHandle.current().pid()));
  }

  @Test
  void slotCheckCountsExecutors() {
    TaskSlots.requireSlots(spark, 2);
    assertThatThrownBy(() -> TaskSlots.requireSlots(spark, 3))
        .hasMessage("train.workers = 3 but master local-cluster[2,1,1024] offers 2 task slots"
            + " (2 executors × 1 core / spark.task.cpus 1); lower train.workers or add executors");
  }
}
