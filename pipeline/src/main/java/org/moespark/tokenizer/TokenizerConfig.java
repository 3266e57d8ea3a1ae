package org.moespark.tokenizer;

import com.typesafe.config.Config;
import org.moespark.config.Check;

/**
 * @param vocabSize total vocabulary: 256 bytes + merges + special tokens
 * @param validationFraction share of documents (by a hash of doc_id) held out for validation
 * @param seqLen tokens per packed training example (sequences hold seqLen + 1 for the shift)
 * @param trainMaxBytesPerLang per language, BPE training sees at most about this many bytes of
 *     text (a fixed pseudo-random sample of documents), so no language dominates the merges; 0 =
 *     all text
 */
public record TokenizerConfig(int vocabSize, double validationFraction, int seqLen,
    long trainMaxBytesPerLang) {
  static final int MIN_SEQ_LEN = 8;

  public TokenizerConfig {
    Check.that(vocabSize >= 258, "tokenizer.vocab-size", vocabSize,
        "must be >= 258 (256 bytes + 2 special tokens)");
    Check.fraction("tokenizer.validation-fraction", validationFraction);
    Check.that(seqLen >= MIN_SEQ_LEN, "tokenizer.seq-len", seqLen, "must be >= %d: a position "
        + "sees only the tokens before it in its sequence, so shorter sequences leave the model "
        + "(almost) no context; typical values are 128 to 4096", MIN_SEQ_LEN);
    Check.that(trainMaxBytesPerLang >= 0, "tokenizer.train-max-bytes-per-lang",
        trainMaxBytesPerLang, "must be >= 0 (0 = no cap)");
  }

  public static TokenizerConfig from(Config c) {
    return new TokenizerConfig(c.getInt("vocab-size"), c.getDouble("validation-fraction"),
        c.getInt("seq-len"), c.getBytes("train-max-bytes-per-lang"));
  }
}
