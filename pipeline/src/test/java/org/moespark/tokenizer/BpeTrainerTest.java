package org.moespark.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {

  private static int b(char c) {
    return c;
  }

  @Test
  void firstMergeIsTheMostFrequentPair() {
    // "xy" occurs 3*5 + 1*2 = 17 times, "ab" 10, any other pair less.
    Map<String, Long> counts = Map.of("xyxyxy", 5L, "ab", 10L, "xyq", 2L, "qz", 4L);
    BpeModel m = BpeTrainer.train(counts, 256 + 2 + 1);
    assertThat(m.mergeCount()).isEqualTo(1);
    assertThat(m.left(0)).isEqualTo(b('x'));
    assertThat(m.right(0)).isEqualTo(b('y'));
    assertThat(m.bytes(m.result(0))).isEqualTo("xy".getBytes(StandardCharsets.US_ASCII));
    assertThat(m.vocabSize()).isEqualTo(259);
  }

  @Test
  void countsAreUpdatedIncrementallyAfterEachMerge() {
    // After x+y -> XY, "XY XY XY" makes (XY, XY) count 2*5 = 10 > ab's 9 (full recount agrees).
    Map<String, Long> counts = Map.of("xyxyxy", 5L, "ab", 9L);
    BpeModel m = BpeTrainer.train(counts, 256 + 2 + 3);
    assertThat(m.mergeCount()).isEqualTo(3);
    int xy = m.result(0);
    assertThat(new int[] {m.left(1), m.right(1)}).containsExactly(xy, xy);
    assertThat(new int[] {m.left(2), m.right(2)}).containsExactly(b('a'), b('b'));
  }

  @Test
  void tiesGoToTheSmallerPairOfIds() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("zz", 7L);
    counts.put("cd", 7L);
    counts.put("ca", 7L);
    BpeModel m = BpeTrainer.train(counts, 256 + 2 + 3);
    assertThat(m.left(0)).isEqualTo(b('c'));
    assertThat(m.right(0)).isEqualTo(b('a'));
    assertThat(m.right(1)).isEqualTo(b('d'));
    assertThat(m.left(2)).isEqualTo(b('z'));
  }

  @Test
  void resultDoesNotDependOnWordOrder() {
    Map<String, Long> a = new TreeMap<>(DemoCorpusCounts.small());
    Map<String, Long> reversed = new TreeMap<>(java.util.Collections.reverseOrder());
    reversed.putAll(a);
    BpeModel x = BpeTrainer.train(a, 600);
    BpeModel y = BpeTrainer.train(reversed, 600);
    assertThat(TokenizerJson.toJson(x)).isEqualTo(TokenizerJson.toJson(y));
    assertThat(x.vocabSize()).isEqualTo(600);
  }

  @Test
  void sameBytesFromTwoMergesShareOneId() {
    // ab then bc, then (ab, c) and (a, bc) both spell "abc".
    Map<String, Long> counts = Map.of("ab", 20L, "bc", 19L, "abc", 3L, "xabcx", 1L);
    BpeModel m = BpeTrainer.train(counts, 256 + 2 + 3);
    assertThat(m.mergeCount()).isGreaterThanOrEqualTo(3);
    BpeModel replayed = TokenizerJson.fromJson(TokenizerJson.toJson(m));
    assertThat(TokenizerJson.toJson(replayed)).isEqualTo(TokenizerJson.toJson(m));
  }

  @Test
  void incrementalMergesEqualAFullRecountEachStep() {
    Map<String, Long> counts = WordCounts.countLocal(
        DemoCorpus.shortSample(15, 400).stream().map(DemoCorpus.Doc::text).iterator());
    BpeModel fast = BpeTrainer.train(counts, 256 + 2 + 300);
    List<int[]> slow = recountEachStep(counts, fast.mergeCount());
    assertThat(fast.mergeCount()).isGreaterThanOrEqualTo(300);
    for (int r = 0; r < fast.mergeCount(); r++) {
      assertThat(new int[] {fast.left(r), fast.right(r)}).as("merge " + r).containsExactly(slow.get(r));
    }
  }

  /** The textbook algorithm: recount all pairs before every merge. */
  private static List<int[]> recountEachStep(Map<String, Long> counts, int merges) {
    List<List<Integer>> words = new ArrayList<>();
    List<Long> wc = new ArrayList<>();
    counts.forEach((w, c) -> {
      List<Integer> s = new ArrayList<>();
      for (byte x : w.getBytes(StandardCharsets.UTF_8)) {
        s.add(x & 0xFF);
      }
      words.add(s);
      wc.add(c);
    });
    Vocab vocab = new Vocab();
    List<int[]> out = new ArrayList<>();
    for (int m = 0; m < merges; m++) {
      Map<Long, Long> pairs = new HashMap<>();
      for (int w = 0; w < words.size(); w++) {
        List<Integer> s = words.get(w);
        for (int i = 0; i + 1 < s.size(); i++) {
          pairs.merge(BpeTrainer.key(s.get(i), s.get(i + 1)), wc.get(w), Long::sum);
        }
      }
      long best = pairs.entrySet().stream()
          .max(Comparator.<Map.Entry<Long, Long>>comparingLong(Map.Entry::getValue)
              .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
          .orElseThrow().getKey();
      int a = (int) (best >>> 32);
      int b = (int) best;
      int merged = vocab.join(a, b);
      out.add(new int[] {a, b});
      for (List<Integer> s : words) {
        for (int i = 0; i + 1 < s.size(); i++) {
          if (s.get(i) == a && s.get(i + 1) == b) {
            s.set(i, merged);
            s.remove(i + 1);
          }
        }
      }
    }
    return out;
  }

  /** Word counts of a slice of the demo corpus. */
  static final class DemoCorpusCounts {
    static Map<String, Long> small() {
      return WordCounts.countLocal(DemoCorpus.sample(30).stream().map(DemoCorpus.Doc::text).iterator());
    }
  }
}
