package org.moespark.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BpeEncoderTest {
  @TempDir Path tmp;

  @Test
  void decodeOfEncodeIsTheTextForEveryDemoDocument() {
    BpeEncoder enc = new BpeEncoder(DemoCorpus.model(2048));
    for (DemoCorpus.Doc d : DemoCorpus.all()) {
      assertThat(enc.decode(enc.encode(d.text()))).as(d.docId()).isEqualTo(d.text());
    }
  }

  @Test
  void specialTokensInTextAreCutOutAndUnseenBytesStillRoundTrip() {
    BpeModel m = DemoCorpus.model(2048);
    BpeEncoder enc = new BpeEncoder(m);
    String text = "a<|endoftext|>b<|pad|> \uD83E\uDD80 \u0000\t";
    int[] ids = enc.encode(text);
    assertThat(ids).contains(m.endOfTextId(), m.padId());
    assertThat(enc.decode(ids)).isEqualTo(text);
  }

  /** The whole corpus, at the demo and the bench vocabulary: ~2 s and ~5 s with training. */
  @ParameterizedTest
  @ValueSource(ints = {2048, 8192})
  void idsEqualHuggingFaceOnTheWholeCorpus(int vocab) throws Exception {
    assertSameIdsAsHuggingFace(DemoCorpus.all(), vocab);
  }

  /** Pre-tokenizer corners where Java's regex could part ways with Oniguruma's. */
  @Test
  void idsEqualHuggingFaceOnPreTokenizerCorners() throws Exception {
    List<String> corners = List.of(
        "it's we're I'VE they'll 'd 's'", "a\u00A0b \u3000c\u2003d\u202Fe\u0085f", "x  \n\n  y\t\tz   ",
        "   leading and trailing   ", "\r\n\r\nCRLF\r\n", "12345 3.14 \u0661\u0662 \u00BD \u2460",
        "e\u0301 \u0915\u094D\u0937 \u05E9\u05C1", "\uD83D\uDE00\uD83D\uDC4D\uD83C\uDFFD \uD83E\uDEE8",
        "\uD840\uDC00\uD869\uDEDF", "<|endoftext|><|endoftext|>x<|pad|>", "\u0000\u0001\u007F\uFEFF",
        "foo.bar(baz);\n\tif (x != y) { return -1; }", "??!!...---", " ' '' ''' 's", "\u1680x\u2028y\u2029");
    BpeModel m = DemoCorpus.model(2048);
    String file = tmp.resolve("corners.json").toString();
    TokenizerJson.write(m, file, new Configuration());
    BpeEncoder enc = new BpeEncoder(m);
    try (HuggingFaceTokenizer hf = HfTokenizers.load(file, new Configuration())) {
      for (String text : corners) {
        assertThat(enc.encode(text)).as(text).isEqualTo(HfTokenizers.encode(hf, text));
        assertThat(enc.decode(enc.encode(text))).isEqualTo(text);
      }
    }
  }

  /**
   * Code points between letters and before a digit ("aXb X1"): Java's \p{L}, \p{N} and
   * White_Space must classify each as Oniguruma does (Unicode versions included). Planes 0 and 1
   * whole, the start of the others that hold characters; a one-off sweep of all 1,112,064 scalar
   * values found no difference either.
   */
  @Test
  void idsEqualHuggingFaceForCodePointsOfEveryPlane() throws Exception {
    BpeModel m = DemoCorpus.model(2048);
    String file = tmp.resolve("unicode.json").toString();
    TokenizerJson.write(m, file, new Configuration());
    BpeEncoder enc = new BpeEncoder(m);
    int[][] ranges = {{0, 0x10000}, {0x10000, 0x20000}, {0x20000, 0x21000}, {0x2F800, 0x30000},
        {0x30000, 0x31000}, {0xE0000, 0xE1000}, {0xF0000, 0xF0100}, {0x10FF00, 0x110000}};
    try (HuggingFaceTokenizer hf = HfTokenizers.load(file, new Configuration())) {
      for (int[] r : ranges) {
        StringBuilder text = new StringBuilder();
        for (int cp = r[0]; cp < r[1]; cp++) {
          if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
            text.append('a').appendCodePoint(cp).append("b ").appendCodePoint(cp).append("1 ");
          }
        }
        String s = text.toString();
        assertThat(enc.encode(s)).as("U+%X..U+%X", r[0], r[1] - 1).isEqualTo(HfTokenizers.encode(hf, s));
      }
    }
  }

  private void assertSameIdsAsHuggingFace(List<DemoCorpus.Doc> docs, int vocab) throws Exception {
    BpeModel m = DemoCorpus.model(vocab);
    String file = tmp.resolve("tokenizer.json").toString();
    TokenizerJson.write(m, file, new Configuration());
    assertThat(TokenizerJson.toJson(TokenizerJson.read(file, new Configuration())))
        .isEqualTo(TokenizerJson.toJson(m));
    BpeEncoder enc = new BpeEncoder(m);
    long tokens = 0;
    try (HuggingFaceTokenizer hf = HfTokenizers.load(file, new Configuration())) {
      for (DemoCorpus.Doc d : docs) {
        int[] ours = enc.encode(d.text());
        assertThat(ours).as(d.docId()).isEqualTo(HfTokenizers.encode(hf, d.text()));
        tokens += ours.length;
      }
    }
    assertThat(tokens).isGreaterThan(docs.size());
  }
}
