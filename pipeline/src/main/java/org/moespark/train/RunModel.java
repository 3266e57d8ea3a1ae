package org.moespark.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.moespark.config.PipelineConfig;
import org.moespark.spark.Tables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model a run trained, read from its MoE checkpoint's manifest: the one source of experts,
 * top-k and MoE layers for {@code route}, {@code analyze} and {@code report}, so a report over a
 * 32-expert run does not silently depend on the right {@code --conf}. A value the user gave that
 * contradicts the run is refused rather than used.
 */
public final class RunModel {
  private static final Logger LOG = LoggerFactory.getLogger(RunModel.class);
  /** Keys the run's checkpoint decides for the stages after train. */
  static final List<String> DECIDED = List.of("model.experts", "model.top-k", "model.layers",
      "model.moe-every", "model.dense");

  /** A checkpoint's model, with the manifest it came from (for messages). */
  public record Found(String manifest, CheckpointModel model, Map<String, String> config) {}

  private RunModel() {}

  /** The model of the newest complete checkpoint (or {@code step}) under {@code root}, if any. */
  public static Optional<Found> read(String root, Long step, Configuration conf) {
    CheckpointStore store = new CheckpointStore(root, Integer.MAX_VALUE, conf);
    List<Long> steps = store.completeSteps();
    if (steps.isEmpty()) {
      return Optional.empty();
    }
    long s = step != null ? step : steps.get(steps.size() - 1);
    CheckpointManifest m = store.manifest(s);
    // Format-1 manifests have no model section; their config held the MoE variant's model.
    CheckpointModel model = m.model() != null ? m.model()
        : CheckpointModel.of(PipelineConfig.fromFlat(m.config()).model());
    return Optional.of(new Found(String.format("%s/step-%09d/manifest.json", root, s), model, m.config()));
  }

  /**
   * The model of run {@code runId} for analysis: from its MoE checkpoint; without one (routing
   * written by another tool), from {@code cfg}, logged. Refuses {@code given} values that contradict it.
   */
  public static CheckpointModel forRun(String out, String runId, PipelineConfig cfg,
      Map<String, String> given, Configuration conf) {
    Optional<Found> found = read(TrainStage.checkpointDir(out, runId, TrainStage.MOE), null, conf);
    if (found.isEmpty()) {
      LOG.warn("run {} has no checkpoint under {}: taking model.experts = {} and model.top-k = {} from"
          + " the config", runId, TrainStage.checkpointDir(out, runId, TrainStage.MOE),
          cfg.model().experts(), cfg.model().topK());
      return CheckpointModel.of(cfg.model());
    }
    refuseContradictions(runId, found.get(), given);
    return found.get().model();
  }

  /** Fails naming both values when a user-given key decided by the run differs from the run's. */
  public static void refuseContradictions(String runId, Found found, Map<String, String> given) {
    for (String key : DECIDED) {
      String mine = given.get(key);
      String run = found.config().get(key);
      if (mine != null && run != null && !mine.equals(run)) {
        throw new IllegalArgumentException(String.format("%s = %s (from --conf/--set) contradicts run %s,"
            + " whose checkpoint says %s = %s (%s); route, analyze and report take the model from the"
            + " run: remove %s from --conf/--set", key, mine, runId, key, run, found.manifest(), key));
      }
    }
  }

  /**
   * Checks {@code given} against every run with an MoE checkpoint under {@code out} (only
   * {@code runs} when not empty), before a report starts: a directory listing, no Spark job.
   */
  public static void refuseContradictions(String out, Collection<String> runs, Map<String, String> given,
      Configuration conf) {
    if (given.keySet().stream().noneMatch(DECIDED::contains)) {
      return;
    }
    for (String run : checkpointedRuns(out, conf)) {
      if (runs.isEmpty() || runs.contains(run)) {
        read(TrainStage.checkpointDir(out, run, TrainStage.MOE), null, conf)
            .ifPresent(f -> refuseContradictions(run, f, given));
      }
    }
  }

  private static List<String> checkpointedRuns(String out, Configuration conf) {
    Path root = new Path(Tables.path(out, "checkpoints"));
    List<String> runs = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return runs;
      }
      for (FileStatus st : fs.listStatus(root)) {
        String n = st.getPath().getName();
        if (st.isDirectory() && n.startsWith(Tables.RUN_ID + "=")) {
          runs.add(n.substring(Tables.RUN_ID.length() + 1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoints under " + root + ": " + e.getMessage(), e);
    }
    return runs;
  }
}
