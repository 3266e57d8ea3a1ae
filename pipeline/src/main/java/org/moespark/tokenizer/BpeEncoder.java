package org.moespark.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes text to ids exactly as Hugging Face tokenizers does with our tokenizer.json: special
 * tokens are cut out first (leftmost, longest), the rest is split by {@link PreTokenizer}, and each
 * pre-token's bytes are merged by rank (lowest rank first, leftmost on ties). Pre-tokens repeat a
 * lot, so their ids are cached. Not thread-safe: one instance per thread or Spark partition.
 */
public final class BpeEncoder {
  static final int CACHE_LIMIT = 1 << 18;

  private final BpeModel model;
  private final RankTable ranks;
  private final Map<String, int[]> cache = new HashMap<>();
  private int[] out = new int[1024];
  private int size;

  public BpeEncoder(BpeModel model) {
    this.model = model;
    this.ranks = new RankTable(model);
  }

  public BpeModel model() {
    return model;
  }

  /** The ids of {@code text}; no end-of-text is appended. */
  public int[] encode(String text) {
    size = 0;
    List<String> specials = model.specials();
    int pos = 0;
    while (pos < text.length()) {
      int at = text.length();
      int which = -1;
      for (int s = 0; s < specials.size(); s++) {
        int i = text.indexOf(specials.get(s), pos);
        if (i >= 0 && (i < at || (i == at && specials.get(s).length() > specials.get(which).length()))) {
          at = i;
          which = s;
        }
      }
      PreTokenizer.split(text, pos, at, this::appendPiece);
      if (which < 0) {
        break;
      }
      append(model.firstSpecialId() + which);
      pos = at + specials.get(which).length();
    }
    return Arrays.copyOf(out, size);
  }

  /** The bytes of token {@code id} (a special token: its content in UTF-8). */
  public byte[] bytes(int id) {
    return id >= model.firstSpecialId()
        ? model.specials().get(id - model.firstSpecialId()).getBytes(StandardCharsets.UTF_8)
        : model.bytes(id).clone();
  }

  /** The text of {@code ids}; special tokens decode to their content. */
  public String decode(int[] ids) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
    for (int id : ids) {
      if (id >= model.firstSpecialId()) {
        bytes.writeBytes(model.specials().get(id - model.firstSpecialId()).getBytes(StandardCharsets.UTF_8));
      } else {
        bytes.writeBytes(model.bytes(id));
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private void appendPiece(String piece) {
    int[] ids = cache.get(piece);
    if (ids == null) {
      ids = merge(piece);
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear();
      }
      cache.put(piece, ids);
    }
    for (int id : ids) {
      append(id);
    }
  }

  private int[] merge(String piece) {
    byte[] b = piece.getBytes(StandardCharsets.UTF_8);
    int n = b.length;
    int[] s = new int[n];
    for (int i = 0; i < n; i++) {
      s[i] = b[i] & 0xFF;
    }
    while (n > 1) {
      int best = -1;
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < n; i++) {
        int r = ranks.rank(s[i], s[i + 1]);
        if (r >= 0 && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      s[best] = model.result(bestRank);
      System.arraycopy(s, best + 2, s, best + 1, n - best - 2);
      n--;
    }
    return n == s.length ? s : Arrays.copyOf(s, n);
  }

  private void append(int id) {
    if (size == out.length) {
      out = Arrays.copyOf(out, size * 2);
    }
    out[size++] = id;
  }

  /** Open-addressing map (left, right) to merge rank: the hot lookup, kept free of boxing. */
  private static final class RankTable {
    private final long[] keys;
    private final int[] values;
    private final int mask;

    RankTable(BpeModel model) {
      int cap = Integer.highestOneBit(Math.max(4, model.mergeCount() * 2)) * 2;
      keys = new long[cap];
      values = new int[cap];
      mask = cap - 1;
      Arrays.fill(keys, -1L);
      // Iterate backwards so that a pair listed twice keeps its lowest rank.
      for (int r = model.mergeCount() - 1; r >= 0; r--) {
        long k = BpeTrainer.key(model.left(r), model.right(r));
        int slot = slot(k);
        keys[slot] = k;
        values[slot] = r;
      }
    }

    int rank(int left, int right) {
      int slot = slot(BpeTrainer.key(left, right));
      return keys[slot] < 0 ? -1 : values[slot];
    }

    private int slot(long k) {
      int h = (int) (k * 0x9E3779B97F4A7C15L >>> 40) & mask;
      while (keys[h] >= 0 && keys[h] != k) {
        h = (h + 1) & mask;
      }
      return h;
    }
  }
}
