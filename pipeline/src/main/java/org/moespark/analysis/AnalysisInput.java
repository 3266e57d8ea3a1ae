package org.moespark.analysis;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * What every metric reads: the routing rows of one run and the model shape. Metrics other than
 * saturation describe the last routed step of each split ({@link #choices}, {@link #tokens});
 * saturation compares every step with that last one ({@link #allTokens}).
 */
final class AnalysisInput {
  static final List<String> LABELS = List.of("domain", "lang");

  final SparkSession spark;
  final int experts;
  final int topK;
  final AnalysisConfig config;
  /** Token id to text for top_tokens; null leaves the text column null. */
  final IntFunction<String> decoder;
  /** Routing rows (one per token, layer, choice) of the last step of each split. */
  final Dataset<Row> choices;
  /**
   * {@link #choices} summed per (split, step, doc_id, domain, lang, layer, expert): choices
   * {@code n}, rank-0 choices {@code first} (summed over experts: the document's tokens),
   * {@code mass} (sum of gates) and {@code dropped}. One pass over the rows serves load,
   * specialization, divergence, bootstrap and permutation test.
   */
  final Dataset<Row> docExperts;
  /**
   * One row per (split, step, doc_id, position, layer): the first choice {@code first} and the
   * top-k set as {@link ExpertSet} masks.
   */
  final Dataset<Row> allTokens;
  /** (split, step): the last step of each split. */
  final Dataset<Row> lastSteps;
  /** {@link #allTokens} at the last step of each split. */
  final Dataset<Row> tokens;
  private final Map<String, Dataset<Row>> shared = new HashMap<>();
  private List<DocCounts> docCounts;

  private AnalysisInput(Dataset<Row> routing, int experts, int topK, AnalysisConfig config,
      IntFunction<String> decoder) {
    this.spark = routing.sparkSession();
    this.experts = experts;
    this.topK = topK;
    this.config = config;
    this.decoder = decoder;
    this.lastSteps = routing.groupBy("split").agg(max("step").as("step"));
    this.choices = routing.join(broadcast(lastSteps), scalaSeq("split", "step"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    this.docExperts = choices
        .groupBy("split", "step", "doc_id", "domain", "lang", "layer", "expert")
        .agg(count(lit(1)).as("n"), sum(when(col("rank").equalTo(0), 1L).otherwise(0L)).as("first"),
            sum(col("gate").cast("double")).as("mass"),
            sum(when(col("dropped"), 1L).otherwise(0L)).as("dropped"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Column[] set = ExpertSet.aggregate(experts);
    this.allTokens = routing.groupBy("split", "step", "doc_id", "position", "layer")
        .agg(set[0], Arrays.copyOfRange(set, 1, set.length))
        .persist(StorageLevel.MEMORY_AND_DISK());
    this.tokens = allTokens.join(broadcast(lastSteps), scalaSeq("split", "step"));
  }

  /**
   * @param routing rows with the routing table's columns (run_id optional), one run
   * @param experts experts per layer E (an expert never chosen still counts, e.g. as dead)
   * @param topK choices per token k
   */
  static AnalysisInput of(Dataset<Row> routing, int experts, int topK, AnalysisConfig config,
      IntFunction<String> decoder) {
    if (experts < 2 || topK < 1 || topK > experts) {
      throw new IllegalArgumentException("need 2 <= experts and 1 <= top-k <= experts, got E="
          + experts + " k=" + topK);
    }
    return new AnalysisInput(routing, experts, topK, config, decoder);
  }

  /** Uniform share of a label's tokens per expert when routing ignores the label: k/E. */
  double uniformShare() {
    return (double) topK / experts;
  }


  /** A result several metrics use, computed once and persisted until {@link #release()}. */
  Dataset<Row> shared(String name, Supplier<Dataset<Row>> compute) {
    return shared.computeIfAbsent(name, n -> compute.get().persist(StorageLevel.MEMORY_AND_DISK()));
  }

  /** Per-document counts of each split, collected once for bootstrap and permutation test. */
  List<DocCounts> docCounts() {
    if (docCounts == null) {
      docCounts = DocCounts.collect(this);
    }
    return docCounts;
  }

  void release() {
    choices.unpersist();
    docExperts.unpersist();
    shared.values().forEach(Dataset::unpersist);
    allTokens.unpersist();
  }

  static Column[] cols(String... names) {
    return Arrays.stream(names).map(functions::col).toArray(Column[]::new);
  }

  static scala.collection.immutable.Seq<String> scalaSeq(String... names) {
    return scala.collection.JavaConverters.asScalaBuffer(List.of(names)).toList();
  }
}
