package org.moespark.jobs;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.moespark.routing.RouteStage;
import org.moespark.spark.Sessions;
import org.moespark.train.CheckpointStore;
import org.moespark.train.RunModel;
import org.moespark.train.TrainStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "route", mixinStandardHelpOptions = true,
    description = {"Run a checkpoint over a labelled split of sequences/ on the executors and write "
        + "routing/: one row per (token, MoE layer, choice) with run_id, step, split, doc_id, lang, "
        + "domain, position in the document, token_id, layer, rank, expert, gate, dropped.",
        "The model configuration comes from the checkpoint's manifest."})
final class RouteCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--checkpoint", paramLabel = "DIR",
      description = "Checkpoint root. Default: <out>/checkpoints/run_id=<run-id>/variant=moe.")
  String checkpoint;

  @Option(names = "--step", paramLabel = "N",
      description = "Checkpoint step. Default: the newest complete one.")
  Long step;

  @Option(names = "--split", defaultValue = "validation",
      description = "Split of sequences/ to route (train|validation). Default: ${DEFAULT-VALUE}.")
  String split;

  @Option(names = "--capacity-factor", paramLabel = "CF",
      description = "Route with token dropping at this capacity factor. Default: dropless.")
  Double capacityFactor;

  @Option(names = "--batch-size", defaultValue = "16",
      description = "Sequences per forward pass on an executor. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Override
  public Integer call() {
    common.config();
    String root = checkpoint != null ? checkpoint
        : TrainStage.checkpointDir(common.out, common.runId, TrainStage.MOE);
    if (new CheckpointStore(root, Integer.MAX_VALUE, Preflight.hadoopConf()).completeSteps().isEmpty()) {
      throw new IllegalArgumentException("no complete checkpoint under " + root + "; run `moe-spark "
          + "train --out " + common.out + " --run-id " + common.runId + "` first (or give --checkpoint)");
    }
    RunModel.read(root, step, Preflight.hadoopConf())
        .ifPresent(f -> RunModel.refuseContradictions(common.runId, f, common.given()));
    Preflight.requireRun(common.out, "sequences", common.runId, "split=" + split, "tokenize");
    common.requireWritableOut();
    try (SparkSession spark = Sessions.create("moe-spark route", common.master)) {
      RouteStage.Result r = RouteStage.run(spark, common.out, common.runId, root, step, split,
          capacityFactor, batchSize);
      System.out.printf("route: step %d, %,d rows, %.2f bytes/row on disk, %.0f s%n", r.step(),
          r.rows(), r.bytesPerRow(), r.seconds());
    }
    return 0;
  }
}
