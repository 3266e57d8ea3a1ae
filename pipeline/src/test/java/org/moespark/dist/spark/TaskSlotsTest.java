package org.moespark.dist.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.moespark.spark.LocalSpark;

class TaskSlotsTest {
  static TaskSlots offered(String master, String... keyValues) {
    SparkConf conf = new SparkConf(false).setMaster(master);
    for (int i = 0; i < keyValues.length; i += 2) {
      conf.set(keyValues[i], keyValues[i + 1]);
    }
    return TaskSlots.offered(conf, 3);
  }

  @Test
  void localMastersOfferTheirThreads() {
    assertThat(offered("local").total()).isEqualTo(1);
    assertThat(offered("local[4]").total()).isEqualTo(4);
    assertThat(offered("local[4,2]").total()).isEqualTo(4);
    assertThat(offered("local[*]").total())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(offered("local[4]", "spark.task.cpus", "2"))
        .hasToString("2 task slots (1 executor × 4 cores / spark.task.cpus 2)");
  }

  @Test
  void localClusterOffersOneSlotPerWorkerCore() {
    assertThat(offered("local-cluster[2,1,3072]"))
        .hasToString("2 task slots (2 executors × 1 core / spark.task.cpus 1)");
    assertThat(offered("local-cluster[2,4,1024]", "spark.executor.cores", "2").total())
        .isEqualTo(8);
  }

  @Test
  void clustersCountRegisteredExecutorsAndTheirGpus() {
    assertThat(offered("yarn").total()).isEqualTo(3);
    assertThat(offered("spark://h:7077", "spark.executor.cores", "4",
        "spark.executor.resource.gpu.amount", "1", "spark.task.resource.gpu.amount", "1"))
        .hasToString("3 task slots (3 executors × 1 gpu / spark.task.resource.gpu.amount 1)");
    assertThat(offered("k8s://h", "spark.executor.cores", "4",
        "spark.executor.resource.gpu.amount", "1", "spark.task.resource.gpu.amount", "0.5")
        .total()).isEqualTo(6);
  }

  @Test
  void standaloneNeedsExecutorCores() {
    assertThatThrownBy(() -> offered("spark://h:7077"))
        .hasMessageStartingWith("spark.executor.cores is unset: on master spark://h:7077");
  }

  @Test
  void liveCheckOnTheLocalSession() {
    TaskSlots.requireSlots(LocalSpark.get(), 2);
    assertThatThrownBy(() -> TaskSlots.requireSlots(LocalSpark.get(), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("train.workers = 3 but master local[2] offers 2 task slots"
            + " (1 executor × 2 cores / spark.task.cpus 1); lower train.workers or add executors");
  }
}
