package org.moespark.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Hugging Face tokenizers (Rust, through DJL's JNI binding) loaded from our tokenizer.json: the
 * reference our encoder is tested and benchmarked against. The native library ships inside DJL's
 * jar and is unpacked into DJL's cache dir (set here to a temp dir unless DJL_CACHE_DIR is
 * given); nothing is downloaded and no hub is contacted.
 */
final class HfTokenizers {
  private HfTokenizers() {}

  static HuggingFaceTokenizer load(String path, Configuration hadoop) {
    if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
      System.setProperty("DJL_CACHE_DIR",
          Path.of(System.getProperty("java.io.tmpdir"), "moe-spark-djl").toString());
    }
    System.setProperty("OPT_OUT_TRACKING", "true");
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    try (InputStream in = p.getFileSystem(hadoop).open(p)) {
      return HuggingFaceTokenizer.newInstance(in,
          Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + path, e);
    }
  }

  static int[] encode(HuggingFaceTokenizer t, String text) {
    long[] ids = t.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }
}
