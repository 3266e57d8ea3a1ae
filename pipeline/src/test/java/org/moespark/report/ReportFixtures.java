package org.moespark.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.moespark.spark.Tables;

/**
 * Small synthetic tables conforming to data-schemas/, written with {@link Tables#write}: the
 * report and the notebooks read them as real Parquet. Layer 1 plants a code expert (expert 1
 * takes 61% of code tokens); one domain and one token text are script-injection probes.
 */
final class ReportFixtures {
  static final int LAYERS = 2;
  static final int EXPERTS = 4;
  static final int TOP_K = 2;
  static final double UNIFORM = (double) TOP_K / EXPERTS;
  static final String SPLIT = "validation";
  static final long STEP = 40;
  static final String XSS_DOMAIN = "<script>window.__xss=1</script>";
  static final String XSS_TOKEN = "<img src=x onerror=\"window.__xss=2\">";
  static final List<String> DOMAINS = List.of("code", "prose", XSS_DOMAIN);
  static final List<String> LANGS = List.of("de", "en");
  /** A language with one validation document: a striking share that must not read as a finding. */
  static final String SPARSE_LANG = "uk";

  private ReportFixtures() {}

  /** A few routing rows for {@code runId} (what `route` writes; the report only lists its runs). */
  static void routing(SparkSession spark, String out, String runId) {
    List<Object[]> rows = new ArrayList<>();
    for (int pos = 0; pos < 4; pos++) {
      for (int layer = 0; layer < LAYERS; layer++) {
        for (int rank = 0; rank < TOP_K; rank++) {
          rows.add(new Object[] {STEP, "d" + pos % 2, LANGS.get(pos % 2), DOMAINS.get(pos % 3), pos,
              10 + pos, layer, rank, (pos + rank) % EXPERTS, 0.5f, false, SPLIT});
        }
      }
    }
    Tables.write(rows(spark, "routing", new String[] {"step", "doc_id", "lang", "domain",
        "position", "token_id", "layer", "rank", "expert", "gate", "dropped", "split"}, rows),
        out, "routing", runId, "split");
  }

  static void documents(SparkSession spark, String out, String runId) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rows.add(new Object[] {"d" + i, LANGS.get(i % 2), DOMAINS.get(i % 3), "text " + i, "fixture",
          Map.of(), "fixture.jsonl"});
    }
    Tables.write(rows(spark, "documents", new String[] {"doc_id", "lang", "domain", "text",
        "source", "extra", "source_file"}, rows), out, "documents", runId);
  }

  /** metrics/ and expert_load/ of a training run of {@code variant} (moe or dense). */
  static void training(SparkSession spark, String out, String runId, String variant, long seed) {
    Random rnd = new Random(seed);
    List<Object[]> metrics = new ArrayList<>();
    List<Object[]> load = new ArrayList<>();
    for (long step = 0; step <= STEP; step += 4) {
      for (String split : List.of("train", "validation")) {
        double loss = 6.5 * Math.exp(-step / 25.0) + 2.0 + ("dense".equals(variant) ? 0.15 : 0)
            + ("validation".equals(split) ? 0.1 : 0) + rnd.nextDouble() * 0.05;
        metrics.add(new Object[] {variant, step, split, step * 4096, loss, loss - 0.01, 0.01, 0.0,
            0.001, 3e-4, 1.0, 5000.0, 0.0, 1.2, 0L});
      }
      for (int layer = 0; "moe".equals(variant) && layer < LAYERS; layer++) {
        for (int e = 0; e < EXPERTS; e++) {
          long tokens = 2048 + (long) ((e - 1.5) * 400 * Math.exp(-step / 20.0)) + rnd.nextInt(50);
          load.add(new Object[] {variant, step, layer, e, tokens, 0L, 0.5, 0.0});
        }
      }
    }
    Tables.write(rows(spark, "metrics", new String[] {"variant", "step", "split", "tokens_seen",
        "loss", "ce", "aux", "seq_aux", "z", "lr", "grad_norm", "tokens_per_s", "dropped_frac",
        "max_mean_load", "skipped_steps"}, metrics), out, "metrics", runId, "variant");
    if (!load.isEmpty()) {
      Tables.write(rows(spark, "expert_load", new String[] {"variant", "step", "layer", "expert",
          "tokens", "dropped", "mean_gate", "bias"}, load), out, "expert_load", runId, "variant");
    }
  }

  /**
   * validation/ rows of both variants at step {@link #STEP}: 40 sequences of 64 tokens, half de and
   * half en; the MoE is 0.15 nats better on every sequence, give or take per-sequence noise.
   */
  static void validation(SparkSession spark, String out, String runId) {
    Random rnd = new Random(7);
    List<Object[]> rows = new ArrayList<>();
    for (long seq = 0; seq < 40; seq++) {
      double base = 3.0 + rnd.nextDouble();
      for (String variant : List.of("moe", "dense")) {
        double ce = base + ("dense".equals(variant) ? 0.15 : 0) + (rnd.nextDouble() - 0.5) * 0.05;
        rows.add(new Object[] {variant, STEP, seq, LANGS.get((int) (seq % 2)), "prose", 64L, ce * 64});
      }
    }
    Tables.write(rows(spark, "validation", new String[] {"variant", "step", "seq_index", "lang", "domain",
        "tokens", "ce_sum"}, rows), out, "validation", runId, "variant");
  }

  /** Every analysis/ table for {@code runId}, as the Analyzer would write them. */
  static void analysis(SparkSession spark, String out, String runId) {
    Random rnd = new Random(runId.hashCode());
    List<Object[]> load = new ArrayList<>();
    List<Object[]> spec = new ArrayList<>();
    List<Object[]> sig = new ArrayList<>();
    List<Object[]> top = new ArrayList<>();
    List<Object[]> div = new ArrayList<>();
    List<Object[]> rep = new ArrayList<>();
    List<Object[]> pos = new ArrayList<>();
    List<Object[]> sat = new ArrayList<>();
    List<Object[]> coact = new ArrayList<>();
    List<Object[]> vocab = new ArrayList<>();
    String[] buckets = {"0", "1-3", "4-15", "16-63"};
    int[] bucketStarts = {0, 1, 4, 16};
    for (int layer = 0; layer < LAYERS; layer++) {
      load.add(new Object[] {SPLIT, STEP, layer, 4000L, 8000L, List.of(1900L, 2100L, 2000L, 2000L),
          0.04, 1.05, 1.385, 0.999, 0L, 0.0});
      for (String by : List.of("domain", "lang")) {
        List<String> labels = by.equals("domain") ? DOMAINS : LANGS;
        sig.add(new Object[] {SPLIT, STEP, by, layer, 60, labels.size(), layer == 1 ? 0.12 : 0.002,
            0.001, layer == 1 ? 1.0 / 1000 : 0.41, 999});
        List<String> specLabels = new ArrayList<>(labels);
        if (by.equals("lang")) {
          specLabels.add(SPARSE_LANG);
        }
        for (String label : specLabels) {
          boolean planted = layer == 1 && label.equals("code");
          boolean sparse = label.equals(SPARSE_LANG);
          double[] shares = new double[EXPERTS];
          Arrays.fill(shares, UNIFORM);
          if (planted) {
            shares = new double[] {0.43, 0.61, 0.48, 0.48};
          }
          if (sparse) {
            shares = new double[] {0.94, 0.36, 0.35, 0.35};
          }
          long tokens = sparse ? 40 : 1000;
          long docs = sparse ? 1 : 20;
          for (int e = 0; e < EXPERTS; e++) {
            double s = shares[e] + (planted || sparse ? 0 : (rnd.nextDouble() - 0.5) * 0.02);
            // one document: the bootstrap CI is zero-width
            spec.add(new Object[] {SPLIT, STEP, by, label, layer, e, Math.round(s * tokens), tokens,
                docs, s, UNIFORM, sparse ? s : s - 0.04, sparse ? s : s + 0.03});
          }
          if (sparse) {
            continue;
          }
          div.add(new Object[] {SPLIT, STEP, by, label, layer, 1000L, 0.01 * (layer + 1),
              0.01 * (layer + 1) / Math.log(EXPERTS) + rnd.nextDouble() * 0.002});
        }
      }
      rep.add(new Object[] {SPLIT, STEP, layer, 3900L, 0.25 + 0.15 * layer, 0.6 + 0.1 * layer,
          1.0 / EXPERTS, 1 - 1.0 / 6});
      for (int b = 0; b < buckets.length; b++) {
        for (int e = 0; e < EXPERTS; e++) {
          double s = UNIFORM + (e == b % EXPERTS ? 0.1 : -0.1 / 3) / (layer + 1);
          pos.add(new Object[] {SPLIT, STEP, layer, bucketStarts[b], buckets[b], e, (long) (s * 500),
              500L, s, UNIFORM});
        }
      }
      for (long step = 8; step <= STEP; step += 8) {
        sat.add(new Object[] {"train-sample", step, STEP, layer, 4000L,
            Math.min(1, 0.3 + 0.7 * step / STEP - 0.05 * layer)});
      }
      for (int e = 0; e < EXPERTS; e++) {
        for (int o = 0; o < EXPERTS; o++) {
          if (o != e) {
            coact.add(new Object[] {SPLIT, STEP, layer, e, o, 300L, 2000L, 0.15});
          }
        }
        for (int r = 0; r < 3; r++) {
          int tokenId = 100 + e * 3 + r;
          String text = layer == 1 && e == 1 ? List.of("def", " return", XSS_TOKEN).get(r)
              : " tok" + tokenId;
          top.add(new Object[] {SPLIT, STEP, layer, e, r, tokenId, text, 0.9 - 0.1 * r, 40L});
          vocab.add(new Object[] {SPLIT, STEP, layer, tokenId, e, 36L, 40L, 0.9});
        }
      }
    }
    write(spark, out, runId, "load", load);
    write(spark, out, runId, "specialization", spec);
    write(spark, out, runId, "significance", sig);
    write(spark, out, runId, "top_tokens", top);
    write(spark, out, runId, "divergence", div);
    write(spark, out, runId, "repetition", rep);
    write(spark, out, runId, "position", pos);
    write(spark, out, runId, "saturation", sat);
    write(spark, out, runId, "coactivation", coact);
    write(spark, out, runId, "vocab_specialization", vocab);
  }

  /** An analysis table: values in the schema's column order (run_id, last, left out). */
  private static void write(SparkSession spark, String out, String runId, String name,
      List<Object[]> rows) {
    String table = "analysis/" + name;
    String[] names = Arrays.stream(Tables.schema(table).fieldNames())
        .filter(n -> !n.equals(Tables.RUN_ID)).toArray(String[]::new);
    Tables.write(rows(spark, table, names, rows), out, table, runId);
  }

  /**
   * Rows of {@code table} from values for the columns {@code names} (every column but run_id),
   * converted to the schema's types; Tables.write puts them in the schema's order.
   */
  static Dataset<Row> rows(SparkSession spark, String table, String[] names, List<Object[]> values) {
    StructType full = Tables.schema(table);
    List<StructField> fields = new ArrayList<>();
    for (String n : names) {
      fields.add(full.apply(n));
    }
    if (fields.size() != full.fields().length - 1) {
      throw new IllegalArgumentException(table + " has columns " + Arrays.toString(
          full.fieldNames()) + " (run_id added by the writer); the fixture gives " + Arrays.toString(names));
    }
    List<Row> rows = new ArrayList<>();
    for (Object[] v : values) {
      Object[] typed = new Object[v.length];
      for (int i = 0; i < v.length; i++) {
        typed[i] = convert(v[i], fields.get(i).dataType());
      }
      rows.add(RowFactory.create(typed));
    }
    return spark.createDataFrame(rows, DataTypes.createStructType(fields));
  }

  private static Object convert(Object v, DataType t) {
    if (v == null) {
      return null;
    }
    if (t instanceof ArrayType a) {
      return ((List<?>) v).stream().map(x -> convert(x, a.elementType())).toList();
    }
    if (v instanceof Number n) {
      if (t.equals(DataTypes.ByteType)) {
        return n.byteValue();
      } else if (t.equals(DataTypes.ShortType)) {
        return n.shortValue();
      } else if (t.equals(DataTypes.IntegerType)) {
        return n.intValue();
      } else if (t.equals(DataTypes.LongType)) {
        return n.longValue();
      } else if (t.equals(DataTypes.FloatType)) {
        return n.floatValue();
      } else if (t.equals(DataTypes.DoubleType)) {
        return n.doubleValue();
      }
    }
    return v;
  }
}
