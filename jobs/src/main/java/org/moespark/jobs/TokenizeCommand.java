package org.moespark.jobs;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;
import org.moespark.spark.Sessions;
import org.moespark.tokenizer.TokenizeStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
    description = {
        "Train a byte-level BPE tokenizer on <out>/documents/run_id=<run-id> and pack sequences.",
        "Writes <out>/tokenizer/run_id=<run-id>/tokenizer.json (Hugging Face format),",
        "<out>/sequences/ (partitioned by run_id, split) and <out>/tokenizer_stats/.",
        "Settings (with --set): tokenizer.vocab-size (default 2048), tokenizer.seq-len (128),",
        "tokenizer.validation-fraction (0.05), tokenizer.train-max-bytes-per-lang (512KiB, 0 = all)."})
final class TokenizeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    PipelineConfig cfg = common.config();
    Preflight.requireRun(common.out, "documents", common.runId, null, "ingest --input CORPUS");
    common.requireWritableOut();
    SparkSession spark = Sessions.create("moe-spark tokenize", common.master);
    try {
      TokenizeStage.run(spark, cfg.tokenizer(), common.out, common.runId);
    } finally {
      spark.stop();
    }
    return 0;
  }
}
