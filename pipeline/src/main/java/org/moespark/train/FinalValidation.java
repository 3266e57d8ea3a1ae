package org.moespark.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.moespark.config.PipelineConfig;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeTransformer;
import org.moespark.model.ParamBuffer;
import org.moespark.spark.Tables;
import org.moespark.tokenizer.Sequences;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validation CE of a variant's final checkpoint over every validation sequence (or a seeded
 * sample stratified by language × domain, {@code train.validation-sequences}), on the executors,
 * into {@code validation/}: one row per (sequence, language, domain) with the tokens and the CE
 * sum, so CE per language, per domain, per sequence (the report's bootstrap) and overall are sums.
 * The curves in {@code metrics/} use a small fixed evaluation set (cheap at every eval step); this
 * is the number a reader should quote.
 */
public final class FinalValidation {
  private static final Logger LOG = LoggerFactory.getLogger(FinalValidation.class);
  private static final Map<String, ParamBuffer> LOADED = new ConcurrentHashMap<>();
  /** Config key: validation sequences scored (0 = all); read here so TrainConfig stays the engines'. */
  public static final String SEQUENCES_KEY = "train.validation-sequences";

  /** CE in nats: overall and per label, with the tokens behind each. */
  public record Result(String variant, long step, long sequences, boolean sampled, long tokens,
      double ce, Map<String, double[]> byLang, Map<String, double[]> byDomain) {

    /** "en 3.12 (41,000 tok), de 3.55 (9,800 tok)" by tokens, largest first. */
    public String perLabel(Map<String, double[]> m) {
      List<String> parts = new ArrayList<>();
      m.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1]))
          .forEach(e -> parts.add(String.format("%s %.3f (%,.0f tok)", e.getKey(), e.getValue()[0],
              e.getValue()[1])));
      return String.join(", ", parts);
    }

    public String summary() {
      return String.format("%s: validation ce %.4f over %s %,d validation sequences (%,d tokens, step %d);"
              + " by language: %s; by domain: %s", variant, ce, sampled ? "a stratified sample of" : "all",
          sequences, tokens, step, perLabel(byLang), perLabel(byDomain));
    }
  }

  private FinalValidation() {}

  public static Result run(SparkSession spark, PipelineConfig cfg, String out, String runId, String variant) {
    String root = TrainStage.checkpointDir(out, runId, variant);
    CheckpointStore store = new CheckpointStore(root, Integer.MAX_VALUE, spark.sparkContext().hadoopConfiguration());
    CheckpointManifest m = store.latest().orElseThrow(() -> new IllegalArgumentException(
        "no complete checkpoint under " + root + "; train run " + runId + " first"));
    spark.sparkContext().setJobDescription("moe-spark validation: " + variant + " step " + m.step()
        + " of run " + runId);
    Dataset<Row> seqs = Tables.read(spark, out, "sequences", runId).where(col("split").equalTo("validation"))
        .select("seq_index", "tokens", "segments");
    int max = cfg.raw().getInt(SEQUENCES_KEY);
    List<Long> sample = max > 0 ? StratifiedSample.of(seqs, max, cfg.train().seed()) : null;
    if (sample != null) {
      seqs = seqs.where(col("seq_index").isin(sample.toArray()));
    }
    HashMap<String, String> config = new HashMap<>(m.config());
    long step = m.step();
    int batch = cfg.train().batchSize();
    Dataset<Row> rows = seqs.mapPartitions((MapPartitionsFunction<Row, Row>) it ->
        score(it, root, step, config, batch), Encoders.row(SCHEMA)).withColumn("variant", lit(variant));
    Tables.write(rows, out, "validation", runId, "variant");
    Result r = summarize(Tables.read(spark, out, "validation", runId).where(col("variant").equalTo(variant)),
        variant, step, sample != null);
    LOG.info("run {} {}", runId, r.summary());
    return r;
  }

  private static final StructType SCHEMA = new StructType()
      .add("step", DataTypes.LongType).add("seq_index", DataTypes.LongType)
      .add("lang", DataTypes.StringType).add("domain", DataTypes.StringType)
      .add("tokens", DataTypes.LongType).add("ce_sum", DataTypes.DoubleType);

  /** Executor side: the rows of one partition of sequences, a batch at a time. */
  private static Iterator<Row> score(Iterator<Row> it, String root, long step, Map<String, String> config,
      int batchSize) {
    Sequences seqs = Sequences.of(it);
    List<Row> out = new ArrayList<>();
    if (seqs.size() == 0) {
      return out.iterator();
    }
    ModelConfig model = PipelineConfig.fromFlat(config).model();
    // The tensors are read once per executor JVM, as in route.
    ParamBuffer pb = LOADED.computeIfAbsent(root + "@" + step, k -> {
      CheckpointStore store = new CheckpointStore(root, Integer.MAX_VALUE, new Configuration());
      ParamBuffer p = MoeTransformer.layout(model).allocate(DataType.FLOAT);
      store.load(store.manifest(step), p, Map.of());
      return p;
    });
    MoeTransformer net = new MoeTransformer(model, pb, 0);
    int t = model.seqLen();
    for (int from = 0; from < seqs.size(); from += batchSize) {
      int count = Math.min(batchSize, seqs.size() - from);
      int[][] tokens = new int[count][];
      for (int b = 0; b < count; b++) {
        tokens[b] = SequenceTable.checked(seqs.tokens(from + b), model);
      }
      net.forward(tokens, false);
      double[] losses = net.tokenLosses();
      for (int b = 0; b < count; b++) {
        Sequences.TokenLabels labels = seqs.labels(from + b);
        // (lang, domain) → {CE sum, tokens}; null labels: padding after the last document
        Map<List<String>, double[]> byLabel = new LinkedHashMap<>();
        for (int i = 0; i < t; i++) {
          // the label of the token being predicted (position i + 1)
          List<String> key = java.util.Arrays.asList(labels.lang()[i + 1], labels.domain()[i + 1]);
          double[] s = byLabel.computeIfAbsent(key, x -> new double[2]);
          s[0] += losses[b * t + i];
          s[1]++;
        }
        long seqIndex = seqs.seqIndex(from + b);
        byLabel.forEach((key, s) -> out.add(RowFactory.create(step, seqIndex, key.get(0), key.get(1),
            (long) s[1], s[0])));
      }
    }
    return out.iterator();
  }

  private static Result summarize(Dataset<Row> v, String variant, long step, boolean sampled) {
    Row all = v.agg(sum("ce_sum"), sum("tokens"), countDistinct("seq_index")).first();
    return new Result(variant, step, all.getLong(2), sampled, all.getLong(1),
        all.getDouble(0) / all.getLong(1), by(v, "lang"), by(v, "domain"));
  }

  private static Map<String, double[]> by(Dataset<Row> v, String label) {
    Map<String, double[]> m = new TreeMap<>();
    for (Row r : v.where(col(label).isNotNull()).groupBy(label).agg(sum("ce_sum"), sum("tokens")).collectAsList()) {
      m.put(r.getString(0), new double[] {r.getDouble(1) / r.getLong(2), r.getLong(2)});
    }
    return m;
  }
}
