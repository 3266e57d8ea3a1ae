package org.moespark.analysis;

import static org.apache.spark.sql.functions.max;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;

/**
 * Choices per (document, layer, expert) of one split, aggregated in Spark and small enough to
 * collect (documents × layers × experts counts): the unit that the permutation test shuffles
 * labels over and that the bootstrap resamples.
 */
final class DocCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  final String split;
  final long step;
  final int layers;
  final int experts;
  /** [label kind (AnalysisInput.LABELS order)][label index] → label. */
  final String[][] labelNames;
  /** [kind][doc] → label index. */
  final int[][] docLabel;
  /** [doc][layer * experts + expert] → choices. */
  final long[][] counts;
  /** [doc][layer] → tokens. */
  final long[][] tokens;

  private DocCounts(String split, long step, int layers, int experts, String[][] labelNames,
      int[][] docLabel, long[][] counts, long[][] tokens) {
    this.split = split;
    this.step = step;
    this.layers = layers;
    this.experts = experts;
    this.labelNames = labelNames;
    this.docLabel = docLabel;
    this.counts = counts;
    this.tokens = tokens;
  }

  int docs() {
    return counts.length;
  }

  /** Whether any token was routed in {@code layer} (MoE layers need not be 0..L-1: moe-every). */
  boolean routed(int layer) {
    for (long[] t : tokens) {
      if (t[layer] > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * One DocCounts per split of {@code in.choices}, aggregated in Spark. The driver holds what the
   * resampling needs, documents × layers × experts counts, densely; the aggregated rows are
   * streamed to it a partition at a time ({@code toLocalIterator}), never collected whole (a Row
   * per (document, layer, expert) weighs far more than its count). The rows come sorted by
   * (split, doc_id), so document and label indices, and with them the seeded permutations and
   * resamples, do not depend on how Spark partitioned the aggregation.
   */
  static List<DocCounts> collect(AnalysisInput in) {
    Map<String, Integer> layers = new HashMap<>();
    for (Row r : in.docExperts.groupBy("split").agg(max("layer")).collectAsList()) {
      layers.put(r.getString(0), r.getByte(1) + 1);
    }
    Iterator<Row> rows = in.docExperts
        .select("split", "step", "doc_id", "domain", "lang", "layer", "expert", "n", "first")
        .orderBy("split", "doc_id", "layer", "expert")
        .toLocalIterator();
    List<DocCounts> out = new ArrayList<>();
    Builder split = null;
    while (rows.hasNext()) {
      Row r = rows.next();
      if (split == null || !split.split.equals(r.getString(0))) {
        if (split != null) {
          out.add(split.build());
        }
        split = new Builder(r.getString(0), r.getLong(1), layers.get(r.getString(0)), in.experts);
      }
      split.add(r);
    }
    if (split != null) {
      out.add(split.build());
    }
    return out;
  }

  /** One split's counts, filled from its rows in doc_id order. */
  private static final class Builder {
    final String split;
    final long step;
    final int layers;
    final int experts;
    final List<Map<String, Integer>> labelIndex = new ArrayList<>();
    final List<int[]> docLabels = new ArrayList<>();
    final List<long[]> counts = new ArrayList<>();
    final List<long[]> tokens = new ArrayList<>();
    String doc;

    Builder(String split, long step, int layers, int experts) {
      this.split = split;
      this.step = step;
      this.layers = layers;
      this.experts = experts;
      for (int k = 0; k < AnalysisInput.LABELS.size(); k++) {
        labelIndex.add(new LinkedHashMap<>());
      }
    }

    /** A row (split, step, doc_id, domain, lang, layer, expert, n, first). */
    void add(Row r) {
      if (!r.getString(2).equals(doc)) {
        doc = r.getString(2);
        counts.add(new long[layers * experts]);
        tokens.add(new long[layers]);
        docLabels.add(new int[labelIndex.size()]);
      }
      int d = counts.size() - 1;
      for (int k = 0; k < labelIndex.size(); k++) {
        Map<String, Integer> labels = labelIndex.get(k);
        String label = String.valueOf(r.getString(3 + k));
        docLabels.get(d)[k] = labels.computeIfAbsent(label, x -> labels.size());
      }
      int layer = r.getByte(5);
      counts.get(d)[layer * experts + r.getShort(6)] += r.getLong(7);
      tokens.get(d)[layer] += r.getLong(8);
    }

    DocCounts build() {
      int kinds = labelIndex.size();
      int[][] docLabel = new int[kinds][counts.size()];
      for (int d = 0; d < counts.size(); d++) {
        for (int k = 0; k < kinds; k++) {
          docLabel[k][d] = docLabels.get(d)[k];
        }
      }
      String[][] names = new String[kinds][];
      for (int k = 0; k < kinds; k++) {
        names[k] = labelIndex.get(k).keySet().toArray(new String[0]);
      }
      return new DocCounts(split, step, layers, experts, names, docLabel,
          counts.toArray(new long[0][]), tokens.toArray(new long[0][]));
    }
  }

  /**
   * Mutual information (nats) between expert and label per layer, over all choices, when document
   * d carries label {@code label[d]} of {@code labels}.
   */
  double[] mutualInformation(int[] label, int labels) {
    double[] mi = new double[layers];
    for (int layer = 0; layer < layers; layer++) {
      double[][] c = new double[labels][experts];
      for (int d = 0; d < docs(); d++) {
        long[] n = counts[d];
        double[] row = c[label[d]];
        for (int e = 0; e < experts; e++) {
          row[e] += n[layer * experts + e];
        }
      }
      mi[layer] = mutualInformation(c);
    }
    return mi;
  }

  /** MI of the joint distribution proportional to the contingency table {@code c}. */
  static double mutualInformation(double[][] c) {
    double total = 0;
    double[] rows = new double[c.length];
    double[] cols = new double[c[0].length];
    for (int i = 0; i < c.length; i++) {
      for (int j = 0; j < c[i].length; j++) {
        rows[i] += c[i][j];
        cols[j] += c[i][j];
        total += c[i][j];
      }
    }
    double mi = 0;
    for (int i = 0; i < c.length; i++) {
      for (int j = 0; j < c[i].length; j++) {
        if (c[i][j] > 0) {
          mi += c[i][j] / total * Math.log(c[i][j] * total / (rows[i] * cols[j]));
        }
      }
    }
    return mi;
  }

  /** A uniformly random permutation of the labels of kind {@code kind} over documents. */
  int[] shuffledLabels(int kind, SplittableRandom rnd) {
    int[] out = docLabel[kind].clone();
    for (int i = out.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  /** The documents of each label of kind {@code kind}: [label] → document indices. */
  int[][] docsByLabel(int kind) {
    int[] size = new int[labelNames[kind].length];
    for (int l : docLabel[kind]) {
      size[l]++;
    }
    int[][] out = new int[size.length][];
    for (int l = 0; l < size.length; l++) {
      out[l] = new int[size[l]];
      size[l] = 0;
    }
    for (int d = 0; d < docs(); d++) {
      int l = docLabel[kind][d];
      out[l][size[l]++] = d;
    }
    return out;
  }

  /** Deterministic stream for replicate {@code r} of a resampling scheme. */
  static SplittableRandom random(long seed, long r, int kind) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + r * 0xBF58476D1CE4E5B9L + kind);
  }
}
