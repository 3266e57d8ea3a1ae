package org.moespark.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Token id → its text under a run's tokenizer.json, for reports of what experts see. A byte-level
 * token can be part of a UTF-8 character; such bytes are written {@code \xNN} (decoding them would
 * give U+FFFD, which shows as an empty box and hides which byte it was).
 */
public final class TokenDecoder {
  private TokenDecoder() {}

  /** {@code bytes} as UTF-8 text, each byte of an invalid or incomplete sequence as {@code \xNN}. */
  public static String text(byte[] bytes) {
    java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length * 4 + 4);
    StringBuilder b = new StringBuilder();
    while (in.hasRemaining()) {
      java.nio.charset.CoderResult r = utf8.decode(in, out, true);
      if (r.isError() || (r.isUnderflow() && in.hasRemaining())) {
        out.flip();
        b.append(out);
        out.clear();
        int n = r.isError() ? r.length() : in.remaining();
        for (int i = 0; i < n; i++) {
          b.append(String.format("\\x%02X", in.get() & 0xFF));
        }
      } else if (r.isUnderflow()) {
        break;
      } else {
        throw new IllegalStateException("UTF-8 decoding overflowed a buffer of 4 chars per byte");
      }
    }
    // UTF-8 keeps no state to flush (flush() on an empty input would even throw)
    out.flip();
    return b.append(out).toString();
  }

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
    return id -> text(encoder.bytes(id));
  }
}
