package org.moespark.jobs;

import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;
import org.moespark.corpus.Ingest;
import org.moespark.corpus.InputFiles;
import org.moespark.corpus.InputFormat;
import org.moespark.spark.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Read labelled corpora into documents/, rejected records into quarantine/ "
        + "(with reason, source file, line and the raw record).",
        "JSONL lines: {\"doc_id\",\"lang\",\"domain\",\"text\"} plus optional fields (kept in 'extra'). "
            + "Plain text: one document per file, lang/domain from ingest.text-path-pattern. "
            + "Parquet: columns doc_id, lang, domain, text."})
final class IngestCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--input", paramLabel = "PATH", arity = "1..*", required = true,
      description = "Input files or directories (recursive; any Hadoop file system; .gz allowed).")
  List<String> inputs;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
      description = "auto|jsonl|text|parquet. auto: .parquet -> parquet, .jsonl/.json/.ndjson[.gz] -> "
          + "jsonl, anything else -> text. Default: ${DEFAULT-VALUE}.")
  String format;

  @Override
  public Integer call() {
    PipelineConfig cfg = common.config();
    InputFormat f = org.moespark.config.Check.oneOf("--format", format, InputFormat.class);
    // Listed before Spark starts: a missing or empty --input fails in a second, not after 15 s.
    List<InputFiles.InputFile> files = InputFiles.expand(inputs, f, Preflight.hadoopConf());
    common.requireWritableOut();
    try (SparkSession spark = Sessions.create("moe-spark ingest", common.master)) {
      Ingest.Result r = Ingest.run(spark, cfg.ingest(), files, common.out, common.runId);
      System.out.printf("ingest: %d records read, %d documents, %d quarantined %s%n", r.read(),
          r.documents(), r.quarantined(), r.byReason());
    }
    return 0;
  }
}
