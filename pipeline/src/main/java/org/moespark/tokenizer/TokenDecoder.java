package org.moespark.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Token id → its text under a run's tokenizer.json, for reports of what experts see. */
public final class TokenDecoder {
  private TokenDecoder() {}

  /** The decoder of run {@code runId}, or null when the run has no tokenizer.json. */
  public static IntFunction<String> of(String out, String runId, Configuration hadoop) {
    String path = TokenizerJson.path(out, runId);
    try {
      Path p = new Path(path);
      if (!p.getFileSystem(hadoop).exists(p)) {
        return null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BpeEncoder encoder = new BpeEncoder(TokenizerJson.read(path, hadoop));
    return id -> encoder.decode(new int[] {id});
  }
}
