package org.moespark.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A synthetic routing table resembling a trained router, for benchmarks and size tests: documents
 * of exponentially distributed length, skewed token ids, a preferred expert per (token, layer)
 * taken 60% of the time, 20% repeats of the previous token's first choice, softmax-like
 * normalised top-k gates and 1% drops. Generated on the executors, deterministic in the seed.
 */
public record SyntheticRouting(long seed, int layers, int experts, int topK, int vocab,
    int meanDocLength) implements java.io.Serializable {
  private static final String[] LANGS = {"en", "de", "ru", "fr", "java"};
  private static final String[] DOMAINS = {"web", "wiki", "news", "code"};

  public SyntheticRouting {
    if (layers < 1 || experts < 2 || topK < 1 || topK > experts || vocab < 1 || meanDocLength < 1) {
      throw new IllegalArgumentException("bad synthetic routing shape: " + layers + " layers, "
          + experts + " experts, top-" + topK + ", vocab " + vocab + ", mean length " + meanDocLength);
    }
  }

  /** The demo model's shape: 2 layers, top-2 of 8, vocab 2048, documents of 300 tokens on average. */
  public static SyntheticRouting demo(long seed) {
    return new SyntheticRouting(seed, 2, 8, 2, 2048, 300);
  }

  /** About {@code rows} rows (whole documents) of one split and step. */
  public Dataset<Row> generate(SparkSession spark, long rows, String split, long step) {
    long docs = Math.max(1, rows / ((long) meanDocLength * layers * topK));
    SyntheticRouting shape = this;
    return spark.range(docs)
        .flatMap((FlatMapFunction<Long, Row>) d -> shape.document(d, split, step).iterator(),
            RoutingTable.encoder());
  }

  List<Row> document(long doc, String split, long step) {
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + doc);
    int length = 1 + (int) Math.min(20L * meanDocLength, (long) (-Math.log(1 - rnd.nextDouble()) * meanDocLength));
    String docId = "doc-" + doc;
    String lang = LANGS[rnd.nextInt(LANGS.length)];
    String domain = DOMAINS[rnd.nextInt(DOMAINS.length)];
    List<Row> out = new ArrayList<>(length * layers * topK);
    int[] previousFirst = new int[layers];
    int[] chosen = new int[topK];
    for (int p = 0; p < length; p++) {
      double u = rnd.nextDouble();
      int token = (int) (vocab * u * u * u);
      for (int l = 0; l < layers; l++) {
        double pick = rnd.nextDouble();
        int first = pick < 0.6 ? Math.floorMod(token * 31 + l * 17, experts)
            : pick < 0.8 && p > 0 ? previousFirst[l] : rnd.nextInt(experts);
        previousFirst[l] = first;
        chosen[0] = first;
        for (int r = 1; r < topK; r++) {
          chosen[r] = distinctExpert(rnd, chosen, r);
        }
        float rest = 1f;
        for (int r = 0; r < topK; r++) {
          float g = r == topK - 1 ? rest : rest * (float) (0.5 + 0.5 * Math.pow(rnd.nextDouble(), 2));
          rest -= g;
          out.add(new RoutingRow(step, split, docId, lang, domain, p, token, l, r, chosen[r], g,
              rnd.nextDouble() < 0.01).toRow());
        }
      }
    }
    return out;
  }

  private int distinctExpert(SplittableRandom rnd, int[] chosen, int n) {
    while (true) {
      int e = rnd.nextInt(experts);
      boolean fresh = true;
      for (int i = 0; i < n; i++) {
        fresh &= chosen[i] != e;
      }
      if (fresh) {
        return e;
      }
    }
  }
}
