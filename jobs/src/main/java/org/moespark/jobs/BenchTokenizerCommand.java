package org.moespark.jobs;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.moespark.spark.Sessions;
import org.moespark.tokenizer.TokenizerBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tokenizer", mixinStandardHelpOptions = true,
    description = "BPE training time on a corpus and encode throughput of our encoder next to "
        + "Hugging Face tokenizers (DJL), same tokenizer.json, same texts.")
final class BenchTokenizerCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--corpus", paramLabel = "PATH", defaultValue = TokenizerBench.DEMO_CORPUS,
      description = "JSON lines with doc_id, lang, domain, text. Default: ${DEFAULT-VALUE}.")
  String corpus;

  @Option(names = "--vocab-size", paramLabel = "N", defaultValue = "8192",
      description = "Vocabulary to train (tokenizer.vocab-size; a --set of it wins). Default: ${DEFAULT-VALUE}.")
  int vocabSize;

  @Override
  public Integer call() {
    common.sets.add(0, "tokenizer.vocab-size=" + vocabSize);
    var cfg = common.config();
    SparkSession spark = Sessions.create("moe-spark bench tokenizer", common.master);
    try {
      TokenizerBench.run(spark, cfg, corpus, System.out);
    } finally {
      spark.stop();
    }
    return 0;
  }
}
