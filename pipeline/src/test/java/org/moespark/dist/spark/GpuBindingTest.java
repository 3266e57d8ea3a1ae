package org.moespark.dist.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.moespark.spark.LocalSpark;
import org.nd4j.linalg.factory.Nd4j;

class GpuBindingTest {
  static final String[] NONE = new String[0];

  @Test
  void cudaBindsTheFirstAssignedGpu() {
    GpuBinding.Decision d = GpuBinding.decide(true, new String[] {"3"});
    assertThat(d.device()).isEqualTo(OptionalInt.of(3));
    assertThat(d.warning()).isNull();
  }

  @Test
  void cudaWithoutAGpuFailsNamingTheSettings() {
    assertThatThrownBy(() -> GpuBinding.decide(true, NONE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("spark.task.resource.gpu.amount=1")
        .hasMessageContaining("spark.executor.resource.gpu.amount=1")
        .hasMessageContaining("discoveryScript");
  }

  @Test
  void cudaRejectsAnAddressThatIsNoDeviceIndex() {
    assertThatThrownBy(() -> GpuBinding.decide(true, new String[] {"GPU-5f2a"}))
        .hasMessageStartingWith("GPU address 'GPU-5f2a'");
  }

  @Test
  void cpuWithAGpuWarnsAndBindsNothing() {
    GpuBinding.Decision d = GpuBinding.decide(false, new String[] {"1"});
    assertThat(d.device()).isEmpty();
    assertThat(d.warning()).contains("GPU 1").contains("cuda profile");
  }

  @Test
  void cpuWithoutAGpuDoesNothing() {
    assertThat(GpuBinding.decide(false, NONE))
        .isEqualTo(new GpuBinding.Decision(OptionalInt.empty(), null));
  }

  @Test
  void insideALocalTaskWithoutGpuItIsANoOp() {
    List<Integer> devices = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext())
        .parallelize(List.of(0), 1)
        .map(x -> {
          GpuBinding.bindTaskGpu();
          return Nd4j.getAffinityManager().getDeviceForCurrentThread();
        }).collect();
    assertThat(devices).containsExactly(0);
  }

  @Test
  void outsideATaskItFails() {
    assertThatThrownBy(GpuBinding::bindTaskGpu).hasMessageContaining("inside a Spark task");
  }
}
