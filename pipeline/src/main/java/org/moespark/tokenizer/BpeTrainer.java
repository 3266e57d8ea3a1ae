package org.moespark.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns byte-level BPE merges (Sennrich et al. 2016) from pre-token counts, on the driver.
 *
 * <p>Incremental, as in Hugging Face's trainer: pair counts, for each pair the words that contain
 * it, and a max-queue of (count, pair). A merge rewrites only the words holding the pair and
 * adjusts the counts of their pairs; queue entries are checked lazily (a stale entry is pushed
 * back with its current count, which only ever falls for existing pairs; pairs with the new token
 * are pushed after the merge).
 *
 * <p>Ties: among pairs with the same count the one with the smaller (left id, right id) wins.
 * Ids are the byte values, then creation order, so the result depends only on the counts: not on
 * the order words arrive in, nor on how Spark partitioned the corpus.
 */
public final class BpeTrainer {
  private static final int REGISTER_ALL = -1;
  private static final int REGISTER_NONE = -2;
  private final int[][] words;
  private final int[] length;
  private final long[] count;
  private final Map<Long, PairStat> pairs = new HashMap<>();
  private final PriorityQueue<Candidate> queue = new PriorityQueue<>();

  private BpeTrainer(Map<String, Long> wordCounts) {
    String[] keys = wordCounts.keySet().toArray(new String[0]);
    Arrays.sort(keys);
    words = new int[keys.length][];
    length = new int[keys.length];
    count = new long[keys.length];
    for (int w = 0; w < keys.length; w++) {
      byte[] bytes = keys[w].getBytes(StandardCharsets.UTF_8);
      words[w] = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        words[w][i] = bytes[i] & 0xFF;
      }
      length[w] = bytes.length;
      count[w] = wordCounts.get(keys[w]);
      addPairs(w, count[w], REGISTER_ALL);
    }
    for (Map.Entry<Long, PairStat> e : pairs.entrySet()) {
      queue.add(new Candidate(e.getValue().count, e.getKey()));
    }
  }

  /**
   * @param wordCounts pre-token (as text) to its count in the corpus
   * @param vocabSize total vocabulary including the 256 bytes and {@link BpeModel#SPECIALS};
   *     fewer when the corpus runs out of pairs
   */
  public static BpeModel train(Map<String, Long> wordCounts, int vocabSize) {
    return new BpeTrainer(wordCounts).run(vocabSize - BpeModel.SPECIALS.size());
  }

  private BpeModel run(int byteTokens) {
    Vocab vocab = new Vocab();
    List<int[]> merges = new ArrayList<>();
    while (vocab.size() < byteTokens && !queue.isEmpty()) {
      Candidate top = queue.poll();
      PairStat stat = pairs.get(top.pair);
      if (stat == null || stat.count <= 0) {
        continue;
      }
      if (stat.count != top.count) {
        queue.add(new Candidate(stat.count, top.pair));
        continue;
      }
      int a = (int) (top.pair >>> 32);
      int b = (int) top.pair;
      int merged = vocab.join(a, b);
      merges.add(new int[] {a, b});
      pairs.remove(top.pair);
      Set<Long> grown = new LinkedHashSet<>();
      for (int k = 0; k < stat.wordCount; k++) {
        int w = stat.words[k];
        if (!holds(w, a, b)) {
          continue;
        }
        addPairs(w, -count[w], REGISTER_NONE);
        mergeIn(w, a, b, merged);
        grown.addAll(addPairs(w, count[w], merged));
      }
      for (long g : grown) {
        queue.add(new Candidate(pairs.get(g).count, g));
      }
    }
    return BpeModel.fromMerges(merges, BpeModel.SPECIALS);
  }

  /**
   * Adds {@code delta} to the count of every adjacent pair of word {@code w}. Pairs holding
   * token {@code fresh} (or all pairs: {@link #REGISTER_ALL}; none: {@link #REGISTER_NONE}) get
   * {@code w} in their word list and are returned: only they can be new or have grown.
   */
  private List<Long> addPairs(int w, long delta, int fresh) {
    List<Long> touched = new ArrayList<>();
    int[] s = words[w];
    for (int i = 0; i + 1 < length[w]; i++) {
      long key = key(s[i], s[i + 1]);
      boolean register = fresh == REGISTER_ALL || s[i] == fresh || s[i + 1] == fresh;
      PairStat stat = register ? pairs.computeIfAbsent(key, k -> new PairStat()) : pairs.get(key);
      if (stat == null) {
        continue;
      }
      stat.count += delta;
      if (register) {
        stat.addWord(w);
        touched.add(key);
      }
    }
    return touched;
  }

  private boolean holds(int w, int a, int b) {
    int[] s = words[w];
    for (int i = 0; i + 1 < length[w]; i++) {
      if (s[i] == a && s[i + 1] == b) {
        return true;
      }
    }
    return false;
  }

  /** Replaces each non-overlapping (a, b), left to right, by {@code merged}. */
  private void mergeIn(int w, int a, int b, int merged) {
    int[] s = words[w];
    int out = 0;
    for (int i = 0; i < length[w]; i++) {
      if (i + 1 < length[w] && s[i] == a && s[i + 1] == b) {
        s[out++] = merged;
        i++;
      } else {
        s[out++] = s[i];
      }
    }
    length[w] = out;
  }

  static long key(int left, int right) {
    return ((long) left << 32) | right;
  }

  /** Count of a pair and the words that (once) held it. */
  private static final class PairStat {
    long count;
    int[] words = new int[2];
    int wordCount;

    void addWord(int w) {
      if (wordCount > 0 && words[wordCount - 1] == w) {
        return;
      }
      if (wordCount == words.length) {
        words = Arrays.copyOf(words, wordCount * 2);
      }
      words[wordCount++] = w;
    }
  }

  /** Queue order: higher count first, then smaller (left, right). */
  private record Candidate(long count, long pair) implements Comparable<Candidate> {
    @Override
    public int compareTo(Candidate o) {
      int c = Long.compare(o.count, count);
      return c != 0 ? c : Long.compare(pair, o.pair);
    }
  }
}
