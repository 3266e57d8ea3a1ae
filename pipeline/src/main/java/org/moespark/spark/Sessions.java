package org.moespark.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession every job uses. */
public final class Sessions {
  public static final String DEFAULT_MASTER = "local[2]";
  /**
   * The JVM options of the row kernels, as the pom's {@code vector.options} gives them to the tests
   * and the launcher: the Vector API module, and {@code VectorRowKernels} compiled as its own
   * methods, never inlined into the row loops around them (README, status).
   */
  static final String VECTOR_OPTIONS = "--add-modules=jdk.incubator.vector -XX:CompileCommand=quiet"
      + " -XX:CompileCommand=dontinline,org.moespark.model.VectorRowKernels::*";

  private Sessions() {}

  /**
   * @param master an explicit {@code --master}, or null: then spark-submit's master is used when
   *     there is one (never overridden in code), else {@link #DEFAULT_MASTER}
   */
  public static SparkSession create(String appName, String master) {
    SparkConf conf = new SparkConf(true);
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster(DEFAULT_MASTER);
    }
    conf.setIfMissing("spark.app.name", appName);
    // A rerun of a run replaces that run's partitions only (DESIGN §1).
    conf.setIfMissing("spark.sql.sources.partitionOverwriteMode", "dynamic");
    conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    // The spark engine's rendezvous (BarrierTaskContext.allGather) waits this long for the other
    // ranks; Spark's default is 365 days, so a rank that never arrives would hang the run.
    conf.setIfMissing("spark.barrier.sync.timeout", "600s");
    // Executors train with ND4J (OpenMP) and OpenBLAS (pthreads) threads in turn: OpenMP threads
    // that spin while idle take the cores OpenBLAS is about to use (DESIGN §6; the launcher sets
    // the same for the driver).
    conf.setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
    // A name that is no core makes OpenBLAS choose by each executor's own CPU features: an
    // OpenBLAS older than the CPU ran SSE3 kernels (0.3.19 on Sapphire Rapids: 5x slower GEMMs).
    conf.setIfMissing("spark.executorEnv.OPENBLAS_CORETYPE", "by-cpu-features");
    // The row kernels' vectors (RowKernels) and their compile option (the pom's vector.options);
    // an executor without the module runs their scalar twin: the same bits, slower. An
    // administrator's default options win.
    conf.setIfMissing("spark.executor.defaultJavaOptions", VECTOR_OPTIONS);
    LocalCluster.configure(conf, System.getenv());
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
