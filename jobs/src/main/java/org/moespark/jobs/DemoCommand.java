package org.moespark.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.moespark.analysis.Analyzer;
import org.moespark.config.PipelineConfig;
import org.moespark.corpus.Ingest;
import org.moespark.corpus.InputFormat;
import org.moespark.report.Report;
import org.moespark.report.ReportOptions;
import org.moespark.report.RunAnalyzer;
import org.moespark.routing.RouteStage;
import org.moespark.spark.Sessions;
import org.moespark.tokenizer.TokenizeStage;
import org.moespark.train.FinalValidation;
import org.moespark.train.TrainLoop;
import org.moespark.train.TrainStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run every stage built so far on the demo corpus embedded in the jar "
        + "(14,282 documents, 10 languages, 5 domains), on local Spark by default.",
        "Without --conf it uses the embedded conf/demo.conf."})
final class DemoCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--input", paramLabel = "PATH",
      description = "Corpus to use instead of the embedded demo corpus (any format ingest reads).")
  String input;

  @Override
  public Integer call() throws IOException {
    Path scratch = Files.createTempDirectory("moe-spark-demo");
    if (common.conf == null) {
      common.conf = extract("demo/demo.conf", scratch);
    }
    PipelineConfig cfg = common.config();
    common.requireWritableOut();
    String corpus = input != null ? input : extract("demo/demo.jsonl.gz", scratch).toString();
    long start = System.nanoTime();
    try (SparkSession spark = Sessions.create("moe-spark demo", common.master)) {
      System.out.println("demo 1/6 ingest: " + corpus);
      Ingest.Result ingest = Ingest.run(spark, cfg.ingest(), List.of(corpus), InputFormat.AUTO,
          common.out, common.runId);
      System.out.printf("  %d records -> %d documents, %d quarantined %s%n", ingest.read(),
          ingest.documents(), ingest.quarantined(), ingest.byReason());

      System.out.println("demo 2/6 tokenize: byte-level BPE, vocab " + cfg.tokenizer().vocabSize());
      TokenizeStage.Result tok = TokenizeStage.run(spark, cfg.tokenizer(), common.out, common.runId);
      System.out.printf("  %s; sequences of %d tokens %s%n", tok.tokenizerJson(),
          cfg.tokenizer().seqLen() + 1, tok.sequences());

      System.out.println("demo 3/6 train: MoE and its dense twin of equal active compute");
      for (TrainLoop.Result r : TrainStage.run(spark, cfg, common.out, common.runId, false, true)) {
        System.out.printf("  %-5s %d steps, %,d tokens, %.0f s%n", r.variant(), r.steps(), r.tokensSeen(),
            r.seconds());
        System.out.println("  " + FinalValidation.run(spark, cfg, common.out, common.runId, r.variant()).summary());
      }

      System.out.println("demo 4/6 route: the MoE's expert choices for every validation token");
      RouteStage.Result route = RouteStage.run(spark, common.out, common.runId,
          TrainStage.checkpointDir(common.out, common.runId, TrainStage.MOE), null, "validation",
          null, cfg.train().batchSize());
      System.out.printf("  %,d routing rows, %.2f bytes/row on disk%n", route.rows(), route.bytesPerRow());

      System.out.println("demo 5/6 analyze: specialization by language, domain, token and position");
      long t = System.nanoTime();
      RunAnalyzer.of(cfg, common.given()).analyse(spark, common.out, common.runId);
      System.out.printf("  %d analysis tables in %.0f s%n", Analyzer.tables().size(),
          (System.nanoTime() - t) / 1e9);

      System.out.println("demo 6/6 report: static HTML with charts");
      Report.Result report = Report.build(spark, common.out, Path.of(common.out).resolve("report"),
          ReportOptions.of(Set.of(common.runId), null, List.of("validation"), cfg.analysis()), RunAnalyzer.of(cfg, common.given()));
      System.out.printf("  %d charts: open %s%n", report.charts().size(), report.index().toUri());
    }
    System.out.printf("demo done in %.0f s; tables under %s (run_id=%s): documents/ quarantine/ "
            + "tokenizer/ sequences/ tokenizer_stats/ checkpoints/ metrics/ expert_load/ routing/ analysis/ report/%n",
        (System.nanoTime() - start) / 1e9, common.out, common.runId);
    return 0;
  }

  private static Path extract(String resource, Path dir) {
    Path target = dir.resolve(Path.of(resource).getFileName());
    try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " missing from the jar; rebuild it");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
