package org.moespark.jobs;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Train a byte-level BPE tokenizer on documents/ and pack sequences/.")
final class TokenizeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    common.config();
    System.err.println("moe-spark tokenize: not available yet (issue #4)");
    return 3;
  }
}
