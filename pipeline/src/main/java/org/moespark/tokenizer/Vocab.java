package org.moespark.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The growing list of byte tokens while merges are learned or replayed: the 256 single bytes,
 * then each new concatenation. Joining two tokens whose bytes already exist (a+bc after ab+c)
 * returns the existing id, as Hugging Face's BPE does, so trainer and loader agree on ids.
 */
final class Vocab {
  private final List<byte[]> tokens = new ArrayList<>();
  private final Map<Key, Integer> ids = new HashMap<>();

  Vocab() {
    for (int b = 0; b < 256; b++) {
      add(new byte[] {(byte) b});
    }
  }

  /** The id of the concatenation of tokens {@code a} and {@code b}, created if new. */
  int join(int a, int b) {
    byte[] x = tokens.get(a);
    byte[] joined = Arrays.copyOf(x, x.length + tokens.get(b).length);
    System.arraycopy(tokens.get(b), 0, joined, x.length, tokens.get(b).length);
    Integer id = ids.get(new Key(joined));
    return id != null ? id : add(joined);
  }

  int size() {
    return tokens.size();
  }

  byte[][] toArray() {
    return tokens.toArray(new byte[0][]);
  }

  private int add(byte[] bytes) {
    tokens.add(bytes);
    ids.put(new Key(bytes), tokens.size() - 1);
    return tokens.size() - 1;
  }

  /** A byte array with value equality. */
  private record Key(byte[] b) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key other && Arrays.equals(b, other.b);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(b);
    }
  }
}
