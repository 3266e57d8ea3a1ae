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
