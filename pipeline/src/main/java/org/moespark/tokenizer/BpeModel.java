package org.moespark.tokenizer;

import java.io.Serializable;
import java.util.List;

/**
 * A trained byte-level BPE vocabulary. Ids 0..255 are the single bytes (id = byte value), then
 * one id per distinct merged token in the order the trainer created it, then the special tokens.
 * Merge rank r joins {@code left(r)} and {@code right(r)} into {@code result(r)}; two merges may
 * produce the same bytes (a+bc, ab+c) and then share one id, so there can be more merges than
 * non-byte tokens.
 */
public final class BpeModel implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String END_OF_TEXT = "<|endoftext|>";
  public static final String PAD = "<|pad|>";
  static final List<String> SPECIALS = List.of(END_OF_TEXT, PAD);

  private final byte[][] tokens;
  private final int[] left;
  private final int[] right;
  private final int[] result;
  private final List<String> specials;

  /** @param merges pairs of token ids, in rank order; result ids follow from the bytes */
  static BpeModel fromMerges(List<int[]> merges, List<String> specials) {
    Vocab vocab = new Vocab();
    int[] l = new int[merges.size()];
    int[] r = new int[merges.size()];
    int[] res = new int[merges.size()];
    for (int i = 0; i < merges.size(); i++) {
      l[i] = merges.get(i)[0];
      r[i] = merges.get(i)[1];
      res[i] = vocab.join(l[i], r[i]);
    }
    return new BpeModel(vocab.toArray(), l, r, res, specials);
  }

  private BpeModel(byte[][] tokens, int[] left, int[] right, int[] result, List<String> specials) {
    this.tokens = tokens;
    this.left = left;
    this.right = right;
    this.result = result;
    this.specials = List.copyOf(specials);
  }

  /** Bytes plus merged tokens plus special tokens. */
  public int vocabSize() {
    return tokens.length + specials.size();
  }

  public int mergeCount() {
    return left.length;
  }

  int left(int rank) {
    return left[rank];
  }

  int right(int rank) {
    return right[rank];
  }

  int result(int rank) {
    return result[rank];
  }

  /** Ids below this are byte sequences; ids from here on are special tokens. */
  int firstSpecialId() {
    return tokens.length;
  }

  List<String> specials() {
    return specials;
  }

  /** The id of special token {@code content}. */
  public int specialId(String content) {
    int i = specials.indexOf(content);
    if (i < 0) {
      throw new IllegalArgumentException("no special token " + content + " in " + specials);
    }
    return tokens.length + i;
  }

  public int endOfTextId() {
    return specialId(END_OF_TEXT);
  }

  public int padId() {
    return specialId(PAD);
  }

  /** The bytes of a non-special token. */
  byte[] bytes(int id) {
    return tokens[id];
  }

  /** The token as tokenizer.json spells it: byte-level characters, or a special's content. */
  String spelling(int id) {
    return id < tokens.length ? ByteLevel.spell(tokens[id]) : specials.get(id - tokens.length);
  }
}
