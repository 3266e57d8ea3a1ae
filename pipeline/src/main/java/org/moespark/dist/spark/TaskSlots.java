package org.moespark.dist.spark;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.moespark.spark.LocalCluster;
import scala.Tuple2;

/**
 * The tasks a session runs at once. A barrier stage of W tasks needs W free slots; with fewer,
 * Spark retries its own check 40 times 15 s apart before failing the job, so the driver checks
 * first ({@link #requireSlots}). Same arithmetic as Spark's private
 * {@code SparkContext.maxNumConcurrentTasks}: executors × min(cores / spark.task.cpus, each task
 * resource's executor amount / task amount).
 */
public final class TaskSlots {
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[([0-9]+|\\*)(?:,[0-9]+)?])?");
  private static final Pattern TASK_RESOURCE = Pattern.compile("resource\\.([^.]+)\\.amount");

  private final int executors;
  private final int perExecutor;
  /** Why an executor holds {@link #perExecutor} tasks, e.g. "1 core / spark.task.cpus 1". */
  private final String limit;

  private TaskSlots(int executors, int perExecutor, String limit) {
    this.executors = executors;
    this.perExecutor = perExecutor;
    this.limit = limit;
  }

  int total() {
    return executors * perExecutor;
  }

  @Override
  public String toString() {
    return total() + " task slot" + (total() == 1 ? "" : "s") + " (" + executors + " executor"
        + (executors == 1 ? "" : "s") + " × " + limit + ")";
  }

  /**
   * Fails before training when the session cannot run {@code workers} tasks at once. On a
   * cluster, executors register after the session starts: waits for them as long as Spark does
   * before scheduling ({@code spark.scheduler.maxRegisteredResourcesWaitingTime}).
   */
  public static void requireSlots(SparkSession spark, int workers) {
    SparkContext sc = spark.sparkContext();
    SparkConf conf = sc.getConf();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
        conf.getTimeAsMs("spark.scheduler.maxRegisteredResourcesWaitingTime", "30s"));
    TaskSlots slots = offered(conf, registeredExecutors(sc));
    while (slots.total() < workers && isCluster(sc.master()) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for executors", e);
      }
      slots = offered(conf, registeredExecutors(sc));
    }
    if (slots.total() < workers) {
      throw new IllegalArgumentException("train.workers = " + workers + " but master "
          + sc.master() + " offers " + slots + "; lower train.workers or add executors");
    }
  }

  /** @param registeredExecutors used only on a cluster, where the master URL does not tell */
  static TaskSlots offered(SparkConf conf, int registeredExecutors) {
    String master = conf.get("spark.master");
    int taskCpus = conf.getInt("spark.task.cpus", 1);
    Matcher local = LOCAL.matcher(master);
    if (local.matches()) {
      // Spark's local scheduler counts threads only; task resources do not limit it.
      String threads = local.group(1);
      int cores = threads == null ? 1
          : threads.equals("*") ? Runtime.getRuntime().availableProcessors()
          : Integer.parseInt(threads);
      return new TaskSlots(1, cores / taskCpus, cpuLimit(cores, taskCpus));
    }
    Optional<LocalCluster> cluster = LocalCluster.parse(master);
    int cores;
    int executors;
    if (cluster.isPresent()) {
      // A worker starts as many executors as fit its cores: one with all of them by default.
      int workerCores = cluster.get().coresPerWorker();
      cores = conf.getInt("spark.executor.cores", workerCores);
      executors = cluster.get().workers() * (workerCores / cores);
    } else {
      cores = clusterExecutorCores(conf, master);
      executors = registeredExecutors;
    }
    TaskSlots slots = new TaskSlots(executors, cores / taskCpus, cpuLimit(cores, taskCpus));
    for (Tuple2<String, String> task : conf.getAllWithPrefix("spark.task.")) {
      Matcher resource = TASK_RESOURCE.matcher(task._1());
      if (resource.matches()) {
        String name = resource.group(1);
        double perTask = Double.parseDouble(task._2());
        long perExecutor = conf.getLong("spark.executor.resource." + name + ".amount", 0);
        // Fractional amounts share one address among 1/amount tasks, as Spark does.
        int tasks = (int) Math.floor(perExecutor / perTask + 1e-9);
        if (tasks < slots.perExecutor) {
          slots = new TaskSlots(executors, tasks, perExecutor + " " + name
              + " / spark.task.resource." + name + ".amount " + task._2());
        }
      }
    }
    return slots;
  }

  private static String cpuLimit(int cores, int taskCpus) {
    return cores + " core" + (cores == 1 ? "" : "s") + " / spark.task.cpus " + taskCpus;
  }

  private static int clusterExecutorCores(SparkConf conf, String master) {
    if (conf.contains("spark.executor.cores")) {
      return conf.getInt("spark.executor.cores", 1);
    }
    if (master.startsWith("yarn") || master.startsWith("k8s://")) {
      return 1; // Spark's default there
    }
    throw new IllegalArgumentException("spark.executor.cores is unset: on master " + master
        + " an executor takes every core of its worker, so the task slots of a barrier stage are"
        + " unknown; set spark.executor.cores (with one GPU per executor: = spark.task.cpus)");
  }

  private static boolean isCluster(String master) {
    return !LOCAL.matcher(master).matches() && LocalCluster.parse(master).isEmpty();
  }

  /** Executors registered now; the status tracker also lists the driver. */
  private static int registeredExecutors(SparkContext sc) {
    return Math.max(0, sc.statusTracker().getExecutorInfos().length - 1);
  }
}
