package org.moespark.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
  /**
   * Routing rows (one per token, layer, choice) of the last step of each split. Not cached: each
   * metric's plan reads only its own columns from Parquet, and the last-step condition is a
   * literal (split = s AND step = t) that prunes the split's partition directory and the row
   * groups of earlier steps (the table is sorted by step). A cache of all columns cost more to
   * build than the narrow rereads it saved.
   */
  final Dataset<Row> choices;
  /**
   * {@link #choices} summed per (split, step, doc_id, domain, lang, layer, expert): choices
   * {@code n}, rank-0 choices {@code first} (summed over experts: the document's tokens),
   * {@code mass} (sum of gates) and {@code dropped}. One pass over the rows serves load,
   * specialization, divergence, bootstrap and permutation test; its size is documents × layers ×
   * experts. The labels are grouping keys rather than first(domain): a string aggregate buffer
   * forces Spark off its hash aggregate (measured 2× slower).
   */
  final Dataset<Row> docExperts;
  /**
   * One row per (split, step, doc_id, position, layer): the first choice {@code first} and the
   * top-k set as {@link ExpertSet} masks; built once for coactivation, saturation and repetition.
   * The rows are shuffled by (split, doc_id) only, then each partition is aggregated per token and
   * sorted by (doc_id, split, layer, position, step): Spark then plans saturation's window (per
   * token over steps) and repetition's (per document and layer, by position) with neither an
   * exchange nor a sort, because the cached relation reports this partitioning and order. doc_id
   * leads the sort because Spark's sort compares an 8-byte prefix of the first key before whole
   * rows, and split (one value per partition directory) would make every comparison a tie.
   */
  final Dataset<Row> allTokens;
  /** {@link #allTokens} at the last step of each split. */
  final Dataset<Row> tokens;
  /** Split → its last step, collected (one row per split). */
  private final Map<String, Long> lastSteps;
  private final Map<String, Dataset<Row>> shared = new HashMap<>();
  private List<DocCounts> docCounts;

  private AnalysisInput(Dataset<Row> routing, int experts, int topK, AnalysisConfig config,
      IntFunction<String> decoder) {
    this.spark = routing.sparkSession();
    this.experts = experts;
    this.topK = topK;
    this.config = config;
    this.decoder = decoder;
    this.lastSteps = new LinkedHashMap<>();
    for (Row r : routing.groupBy("split").agg(max("step")).collectAsList()) {
      lastSteps.put(r.getString(0), r.getLong(1));
    }
    this.choices = routing.where(atLastStep());
    this.docExperts = choices
        .groupBy("split", "step", "doc_id", "domain", "lang", "layer", "expert")
        .agg(count(lit(1)).as("n"), sum(when(col("rank").equalTo(0), 1L).otherwise(0L)).as("first"),
            sum(col("gate").cast("double")).as("mass"),
            sum(when(col("dropped"), 1L).otherwise(0L)).as("dropped"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Column[] set = ExpertSet.aggregate(experts);
    this.allTokens = routing.select("split", "step", "doc_id", "position", "layer", "rank", "expert")
        .repartition(col("split"), col("doc_id"))
        .groupBy("split", "step", "doc_id", "position", "layer")
        .agg(set[0], Arrays.copyOfRange(set, 1, set.length))
        .sortWithinPartitions("doc_id", "split", "layer", "position", "step")
        .persist(StorageLevel.MEMORY_AND_DISK());
    this.tokens = allTokens.where(atLastStep());
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

  /** Builds the cached inputs ({@link #docExperts}, {@link #allTokens}) now. */
  void materialize() {
    docExperts.count();
    allTokens.count();
  }

  /** Uniform share of a label's tokens per expert when routing ignores the label: k/E. */
  double uniformShare() {
    return (double) topK / experts;
  }


  /** Whether a row is of its split's last step. */
  private Column atLastStep() {
    Column at = lit(false);
    for (Map.Entry<String, Long> e : lastSteps.entrySet()) {
      at = at.or(col("split").equalTo(e.getKey()).and(col("step").equalTo(e.getValue())));
    }
    return at;
  }

  /** The last step of the row's split. */
  Column lastStep() {
    Column step = lit(null).cast("long");
    for (Map.Entry<String, Long> e : lastSteps.entrySet()) {
      step = when(col("split").equalTo(e.getKey()), lit(e.getValue())).otherwise(step);
    }
    return step;
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
