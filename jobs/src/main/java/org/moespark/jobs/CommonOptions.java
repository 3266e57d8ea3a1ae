package org.moespark.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.moespark.config.Check;
import org.moespark.config.PipelineConfig;
import org.moespark.spark.Sessions;
import picocli.CommandLine.Option;

/** Options every stage takes: where the config, the tables and the Spark master come from. */
final class CommonOptions {
  /** What a run id may hold: it becomes a directory name (run_id=ID) on any file system. */
  static final String RUN_ID = "[A-Za-z0-9_.-]+";

  @Option(names = "--conf", paramLabel = "FILE",
      description = "HOCON preset (e.g. conf/demo.conf); built-in defaults when absent.")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one config key, repeatable; later wins (e.g. --set model.experts=16).")
  List<String> sets = new ArrayList<>();

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master. Default: the one spark-submit gives, else " + Sessions.DEFAULT_MASTER + ".")
  String master;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "out",
      description = "Root of all tables (a local path or any Hadoop URI). Default: ${DEFAULT-VALUE}.")
  String out;

  @Option(names = "--run-id", paramLabel = "ID", defaultValue = "demo",
      description = "Run identifier; every table is partitioned by it and a rerun replaces it. Default: ${DEFAULT-VALUE}.")
  String runId;

  /** Validates the whole config; throws before any SparkSession exists. */
  PipelineConfig config() {
    Check.that(runId.matches(RUN_ID), "--run-id", runId,
        "may hold only letters, digits, '_', '.' and '-'");
    return PipelineConfig.load(conf, sets);
  }

  /** The keys given in --conf or --set (not the defaults), with their effective values. */
  Map<String, String> given() {
    return PipelineConfig.given(conf, sets);
  }

  /** Fails before Spark starts when --out cannot be written (not after the stage's work). */
  void requireWritableOut() {
    Preflight.writable(out, "--out");
  }
}
