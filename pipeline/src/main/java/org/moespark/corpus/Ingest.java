package org.moespark.corpus;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
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

  /** Lists the inputs (see {@link InputFiles#expand}) and ingests them. */
  public static Result run(SparkSession spark, IngestConfig cfg, List<String> inputs,
      InputFormat format, String out, String runId) {
    return run(spark, cfg,
        InputFiles.expand(inputs, format, spark.sparkContext().hadoopConfiguration()), out, runId);
  }

  /**
   * Ingests listed input files; the command lists them before Spark starts, so a missing or empty
   * input fails in a second, not after the session is up.
   */
  public static Result run(SparkSession spark, IngestConfig cfg, List<InputFile> files, String out,
      String runId) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("ingest: no input files");
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    LOG.info("ingest run {}: {} input files ({})", runId, files.size(), summary(files));
    spark.sparkContext().setJobDescription("moe-spark ingest: read and validate " + files.size() + " files");
    FileRecords reader = new FileRecords(jsc.hadoopConfiguration(), new RecordValidator(cfg), cfg);
    // Files are the unit of parallelism (gzip is not splittable) and of failure (FileRecords).
    int slices = Math.max(1, Math.min(files.size(), jsc.defaultParallelism() * 4));
    JavaRDD<Row> records = jsc.parallelize(files, slices).flatMap(reader::read).map(Ingest::toRow);
    Dataset<Row> all = spark.createDataFrame(records, RECORDS).persist(StorageLevel.MEMORY_AND_DISK());
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

  private static Row toRow(CorpusRecord r) {
    return RowFactory.create(r.docId(), r.lang(), r.domain(), r.text(), r.source(),
        r.extra() == null ? null : scala.collection.JavaConverters.mapAsScalaMap(r.extra()),
        r.sourceFile(), r.line(), r.reason() == null ? null : r.reason().code(), r.detail(), r.raw());
  }

  private static String summary(List<InputFile> files) {
    Map<String, Long> n = new TreeMap<>();
    files.forEach(f -> n.merge(f.readable() ? f.format().name().toLowerCase(Locale.ROOT)
        : f.problem().code(), 1L, Long::sum));
    return n.toString();
  }
}
