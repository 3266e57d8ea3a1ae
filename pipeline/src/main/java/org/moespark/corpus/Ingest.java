package org.moespark.corpus;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.input.PortableDataStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.moespark.corpus.InputFiles.InputFile;
import org.moespark.spark.Tables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The ingest stage: input files → {@code documents/} and {@code quarantine/}. Nothing is lost:
 * every record read is either a document or a quarantined row with its reason.
 */
public final class Ingest {
  private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

  /** Intermediate rows: one per record, document or rejected (reason set). */
  private static final StructType RECORDS = new StructType()
      .add("doc_id", DataTypes.StringType)
      .add("lang", DataTypes.StringType)
      .add("domain", DataTypes.StringType)
      .add("text", DataTypes.StringType)
      .add("source", DataTypes.StringType)
      .add("extra", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("source_file", DataTypes.StringType)
      .add("line", DataTypes.LongType)
      .add("reason", DataTypes.StringType)
      .add("detail", DataTypes.StringType)
      .add("raw", DataTypes.StringType);

  /** What an ingest run did; {@code read == documents + quarantined} always. */
  public record Result(long read, long documents, long quarantined, Map<String, Long> byReason) {}

  private Ingest() {}

  public static Result run(SparkSession spark, IngestConfig cfg, List<String> inputs,
      InputFormat format, String out, String runId) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<InputFile> files = InputFiles.expand(inputs, format, jsc.hadoopConfiguration());
    if (files.isEmpty()) {
      throw new IllegalArgumentException("--input " + inputs + ": no input files found");
    }
    RecordValidator validator = new RecordValidator(cfg);
    Map<InputFormat, List<InputFile>> byFormat = new TreeMap<>();
    List<CorpusRecord> driverSide = new ArrayList<>();
    for (InputFile f : files) {
      if (f.length() == 0) {
        driverSide.add(CorpusRecord.rejected(RejectReason.EMPTY_FILE, "0 bytes", f.path(), null, null, ""));
      } else {
        byFormat.computeIfAbsent(f.format(), k -> new ArrayList<>()).add(f);
      }
    }
    LOG.info("ingest run {}: {} input files ({})", runId, files.size(), summary(byFormat, driverSide));
    spark.sparkContext().setJobDescription("moe-spark ingest: read and validate " + files.size() + " files");

    JavaRDD<CorpusRecord> records = jsc.parallelize(driverSide, 1);
    if (byFormat.containsKey(InputFormat.JSONL)) {
      records = records.union(jsonl(jsc, byFormat.get(InputFormat.JSONL), validator, cfg));
    }
    if (byFormat.containsKey(InputFormat.TEXT)) {
      records = records.union(text(jsc, byFormat.get(InputFormat.TEXT), validator, cfg));
    }
    Dataset<Row> all = spark.createDataFrame(records.map(Ingest::toRow), RECORDS);
    if (byFormat.containsKey(InputFormat.PARQUET)) {
      all = all.unionByName(parquet(spark, byFormat.get(InputFormat.PARQUET), validator));
    }
    all = all.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return write(all, cfg, out, runId);
    } finally {
      all.unpersist();
    }
  }

  private static Result write(Dataset<Row> all, IngestConfig cfg, String out, String runId) {
    long read = all.count();
    // The first occurrence of a doc_id (by file, then line) is kept; later ones are quarantined.
    WindowSpec byId = Window.partitionBy("doc_id").orderBy(col("source_file"), col("line"));
    Dataset<Row> docs = all.where(col("reason").isNull())
        .withColumn("occurrence", row_number().over(byId))
        .withColumn("first_seen", concat(first("source_file").over(byId), lit(":"),
            first("line").over(byId).cast("string")));
    Dataset<Row> duplicates = docs.where(col("occurrence").gt(1))
        .withColumn("reason", lit(RejectReason.DUPLICATE_DOC_ID.code()))
        .withColumn("detail", concat(lit("doc_id first seen at "), col("first_seen")))
        .withColumn("raw", substring(to_json(struct(col("doc_id"), col("lang"), col("domain"),
            col("text"))), 1, cfg.rawTruncateChars()));
    Dataset<Row> quarantine = all.where(col("reason").isNotNull())
        .unionByName(duplicates.drop("occurrence", "first_seen"));

    all.sparkSession().sparkContext().setJobDescription("moe-spark ingest: write documents/");
    Tables.write(docs.where(col("occurrence").equalTo(1)), out, "documents", runId);
    all.sparkSession().sparkContext().setJobDescription("moe-spark ingest: write quarantine/");
    Tables.write(quarantine, out, "quarantine", runId);

    long documents = Tables.read(all.sparkSession(), out, "documents", runId).count();
    Map<String, Long> byReason = new TreeMap<>();
    for (Row r : Tables.read(all.sparkSession(), out, "quarantine", runId)
        .groupBy("reason").count().collectAsList()) {
      byReason.put(r.getString(0), r.getLong(1));
    }
    long quarantined = byReason.values().stream().mapToLong(Long::longValue).sum();
    if (read != documents + quarantined) {
      throw new IllegalStateException("ingest lost records: read " + read + " != documents "
          + documents + " + quarantined " + quarantined);
    }
    LOG.info("ingest run {}: read {} records -> {} documents, {} quarantined {}", runId, read,
        documents, quarantined, byReason);
    return new Result(read, documents, quarantined, Collections.unmodifiableMap(byReason));
  }

  private static JavaRDD<CorpusRecord> jsonl(JavaSparkContext jsc, List<InputFile> files,
      RecordValidator validator, IngestConfig cfg) {
    // Room for the JSON around a text at the size limit; longer lines are cut and quarantined.
    long maxLine = cfg.maxTextBytes() * 2 + 65_536;
    return binaryFiles(jsc, files).flatMap(f -> (Iterator<CorpusRecord>)
        new JsonLinesReader(f._2().open(), f._1(), validator, maxLine));
  }

  private static JavaRDD<CorpusRecord> text(JavaSparkContext jsc, List<InputFile> files,
      RecordValidator validator, IngestConfig cfg) {
    Map<String, String> relative = new LinkedHashMap<>();
    files.forEach(f -> relative.put(f.path(), f.relative()));
    String pattern = cfg.textPathPattern();
    return binaryFiles(jsc, files).map(f -> {
      String path = f._1();
      String docId = relative.getOrDefault(path, path);
      Matcher m = Pattern.compile(pattern).matcher(path);
      boolean ok = m.matches();
      byte[] bytes = f._2().toArray();
      return validator.textFile(bytes, path, docId, ok ? m.group("lang") : null,
          ok ? m.group("domain") : null);
    });
  }

  private static JavaRDD<Tuple2<String, PortableDataStream>> binaryFiles(JavaSparkContext jsc,
      List<InputFile> files) {
    List<String> paths = files.stream().map(InputFile::path).toList();
    return jsc.binaryFiles(String.join(",", paths), Math.min(paths.size(), jsc.defaultParallelism() * 4))
        .rdd().toJavaRDD();
  }

  private static Dataset<Row> parquet(SparkSession spark, List<InputFile> files,
      RecordValidator validator) {
    Dataset<Row> in = spark.read().parquet(files.stream().map(InputFile::path).toArray(String[]::new))
        .withColumn("_source_file", org.apache.spark.sql.functions.input_file_name());
    String[] names = in.columns();
    JavaRDD<Row> rows = in.toJavaRDD().map(r -> {
      Map<String, Object> fields = new LinkedHashMap<>();
      for (int i = 0; i < names.length - 1; i++) {
        Object v = r.isNullAt(i) ? null : r.get(i);
        fields.put(names[i], v == null || v instanceof String ? v : String.valueOf(v));
      }
      String raw = r.json();
      return toRow(validator.fields(fields, r.getString(names.length - 1), null, raw));
    });
    return spark.createDataFrame(rows, RECORDS);
  }

  private static Row toRow(CorpusRecord r) {
    return RowFactory.create(r.docId(), r.lang(), r.domain(), r.text(), r.source(),
        r.extra() == null ? null : scala.collection.JavaConverters.mapAsScalaMap(r.extra()),
        r.sourceFile(), r.line(), r.reason() == null ? null : r.reason().code(), r.detail(), r.raw());
  }

  private static String summary(Map<InputFormat, List<InputFile>> byFormat, List<CorpusRecord> empty) {
    StringBuilder s = new StringBuilder();
    byFormat.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(v.size()).append(' ')
        .append(k.name().toLowerCase()));
    if (!empty.isEmpty()) {
      s.append(s.length() == 0 ? "" : ", ").append(empty.size()).append(" empty");
    }
    return s.toString();
  }

}
