package org.moespark.dist.spark;

import java.util.OptionalInt;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a training task's thread to the GPU Spark assigned the task (DESIGN §4, GPU executors).
 * ND4J's CUDA device is per thread and Spark runs tasks on pooled threads, so every task binds
 * its own thread, before it allocates any array.
 */
public final class GpuBinding {
  private static final Logger LOG = LoggerFactory.getLogger(GpuBinding.class);

  private GpuBinding() {}

  /** What a task does about its GPU: bind a device, log a warning, or nothing (both empty). */
  record Decision(OptionalInt device, String warning) {}

  /** The first call of a training task, on the task's thread. */
  public static void bindTaskGpu() {
    TaskContext task = TaskContext.get();
    if (task == null) {
      throw new IllegalStateException("GpuBinding.bindTaskGpu runs inside a Spark task only");
    }
    ResourceInformation gpu = task.resourcesJMap().get("gpu");
    String[] addresses = gpu == null ? new String[0] : gpu.addresses();
    // Environment.isCPU is backend-neutral: no CUDA class needs to be on the classpath.
    Decision decision = decide(!Nd4j.getEnvironment().isCPU(), addresses);
    decision.device().ifPresent(d -> Nd4j.getAffinityManager().unsafeSetDevice(d));
    if (decision.warning() != null) {
      LOG.warn(decision.warning());
    }
  }

  static Decision decide(boolean cudaBackend, String[] addresses) {
    if (addresses.length == 0) {
      if (cudaBackend) {
        // Unbound, every task of an executor would share device 0.
        throw new IllegalStateException("ND4J runs its CUDA backend but Spark assigned this task"
            + " no GPU: set spark.executor.resource.gpu.amount=1, spark.task.resource.gpu.amount=1"
            + " and spark.executor.resource.gpu.discoveryScript (conf/gpu-discovery.sh), see"
            + " conf/spark-defaults.conf.example");
      }
      return new Decision(OptionalInt.empty(), null);
    }
    if (!cudaBackend) {
      return new Decision(OptionalInt.empty(), "Spark assigned GPU " + addresses[0]
          + " to this task but ND4J runs its CPU backend: the GPU stays idle; build with the cuda"
          + " profile (mvn -Pcuda package) for ND4J's CUDA backend jar");
    }
    try {
      return new Decision(OptionalInt.of(Integer.parseInt(addresses[0])), null);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("GPU address '" + addresses[0] + "' from Spark's discovery"
          + " script is not a CUDA device index; the script must print indices as"
          + " conf/gpu-discovery.sh does", e);
    }
  }
}
