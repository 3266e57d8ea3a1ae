package org.moespark.analysis;


import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
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

  /** One DocCounts per split of {@code in.choices}, aggregated in Spark, then collected. */
  static List<DocCounts> collect(AnalysisInput in) {
    List<Row> rows = in.docExperts
        .select("split", "step", "doc_id", "domain", "lang", "layer", "expert", "n", "first")
        .collectAsList();
    Map<String, List<Row>> bySplit = new LinkedHashMap<>();
    for (Row r : rows) {
      bySplit.computeIfAbsent(r.getString(0), s -> new ArrayList<>()).add(r);
    }
    List<DocCounts> out = new ArrayList<>();
    bySplit.forEach((split, splitRows) -> out.add(of(split, splitRows, in.experts)));
    return out;
  }

  private static DocCounts of(String split, List<Row> rows, int experts) {
    Map<String, Integer> docIndex = new HashMap<>();
    int layers = 0;
    for (Row r : rows) {
      docIndex.putIfAbsent(r.getString(2), docIndex.size());
      layers = Math.max(layers, r.getByte(5) + 1);
    }
    int kinds = AnalysisInput.LABELS.size();
    List<Map<String, Integer>> labelIndex = new ArrayList<>();
    for (int k = 0; k < kinds; k++) {
      labelIndex.add(new LinkedHashMap<>());
    }
    int[][] docLabel = new int[kinds][docIndex.size()];
    long[][] counts = new long[docIndex.size()][layers * experts];
    long[][] tokens = new long[docIndex.size()][layers];
    for (Row r : rows) {
      int d = docIndex.get(r.getString(2));
      for (int k = 0; k < kinds; k++) {
        Map<String, Integer> labels = labelIndex.get(k);
        String label = String.valueOf(r.getString(3 + k));
        docLabel[k][d] = labels.computeIfAbsent(label, x -> labels.size());
      }
      int layer = r.getByte(5);
      counts[d][layer * experts + r.getShort(6)] += r.getLong(7);
      tokens[d][layer] += r.getLong(8);
    }
    String[][] names = new String[kinds][];
    for (int k = 0; k < kinds; k++) {
      names[k] = labelIndex.get(k).keySet().toArray(new String[0]);
    }
    return new DocCounts(split, rows.get(0).getLong(1), layers, experts, names, docLabel, counts,
        tokens);
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
