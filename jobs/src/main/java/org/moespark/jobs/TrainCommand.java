package org.moespark.jobs;

import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;
import org.moespark.dist.spark.SparkTrainStage;
import org.moespark.spark.Sessions;
import org.moespark.train.FinalValidation;
import org.moespark.train.TrainConfig;
import org.moespark.train.TrainEngine;
import org.moespark.train.TrainLoop;
import org.moespark.train.TrainStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train the MoE transformer LM of the config on the run's sequences/ (train.engine: "
        + "local, spark, or dl4j = the DL4J layers with dl4j-spark parameter averaging).",
        "Writes checkpoints/run_id=ID/variant=V/, metrics/ and expert_load/ under --out."})
final class TrainCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--resume", defaultValue = "false",
      description = "Continue from the newest complete checkpoint of the run (a different model config "
          + "fails, listing the keys). Default: ${DEFAULT-VALUE}.")
  boolean resume;

  @Option(names = "--compare-dense", defaultValue = "false",
      description = "Also train the dense twin (SwiGLU of width top-k x ffn-hidden, equal active "
          + "compute) on the same data and budget; metrics.variant tells them apart. Default: ${DEFAULT-VALUE}.")
  boolean compareDense;

  @Option(names = "--engine", paramLabel = "local|spark|dl4j",
      description = "Sets train.engine (default: the config's).")
  String engine;

  @Override
  public Integer call() {
    if (engine != null) {
      common.sets.add("train.engine=" + engine);
    }
    PipelineConfig cfg = common.config();
    // Looked up before Spark starts, so a missing engine module fails in one line.
    TrainEngine plugin = cfg.train().engine() == TrainConfig.Engine.DL4J
        ? TrainEngine.named(cfg.train().engine()) : null;
    Preflight.requireRun(common.out, "sequences", common.runId, "split=train", "tokenize");
    common.requireWritableOut();
    try (SparkSession spark = Sessions.create("moe-spark train", common.master)) {
      List<TrainLoop.Result> results = switch (cfg.train().engine()) {
        case LOCAL -> TrainStage.run(spark, cfg, common.out, common.runId, resume, compareDense);
        case SPARK -> SparkTrainStage.run(spark, cfg, common.out, common.runId, resume, compareDense);
        case DL4J -> plugin.run(spark, cfg, common.out, common.runId, resume, compareDense);
      };
      for (TrainLoop.Result r : results) {
        System.out.printf("train %s: %d steps, %,d tokens, %d skipped, %.0f s%n", r.variant(), r.steps(),
            r.tokensSeen(), r.skippedSteps(), r.seconds());
        System.out.println("  " + (plugin != null
            ? plugin.finalValidation(spark, cfg, common.out, common.runId, r.variant())
            : FinalValidation.run(spark, cfg, common.out, common.runId, r.variant()).summary()
                + String.format(" (unigram entropy of the curves' evaluation tokens %.4f)", r.unigramEntropy())));
      }
    }
    return 0;
  }
}
