package org.moespark.train;

import java.util.List;
import java.util.ServiceLoader;
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;

/**
 * A training engine provided by a module that {@code pipeline} must not depend on (the dl4j
 * module's {@code train.engine = dl4j}): found through {@link ServiceLoader} by its
 * {@link #name}, so the engine's jar on the classpath is all it takes. The built-in local and
 * spark engines are called directly.
 */
public interface TrainEngine {
  /** The {@code train.engine} value it serves, lower case. */
  String name();

  /** Trains the run's model on its {@code sequences/}, writing checkpoints and {@code metrics/}. */
  List<TrainLoop.Result> run(SparkSession spark, PipelineConfig cfg, String out, String runId,
      boolean resume, boolean compareDense);

  /** A one-line final validation of the trained {@code variant}, read back from what it saved. */
  String finalValidation(SparkSession spark, PipelineConfig cfg, String out, String runId, String variant);

  /** The engine serving {@code engine}, or a one-line error naming the value and the fix. */
  static TrainEngine named(TrainConfig.Engine engine) {
    String name = engine.name().toLowerCase(java.util.Locale.ROOT);
    return ServiceLoader.load(TrainEngine.class).stream().map(ServiceLoader.Provider::get)
        .filter(e -> e.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("train.engine = " + name
            + " is not on the classpath: its module (moe-spark-" + name + ") must be in the jar;"
            + " use train.engine = local or spark, or build the jobs module with it"));
  }
}
