package org.moespark.routing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.round;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.moespark.spark.Tables;

/**
 * The {@code routing/} table: one row per (token, layer, choice), partitioned by run_id and split.
 *
 * <p>Layout for size (2.1 bytes/row on {@link SyntheticRouting}, see RoutingTableTest): rows
 * sorted by (step, doc, layer, rank, position), so a document's token-id and position sequences
 * recur once per (layer, rank) and zstd stores the recurrences as back-references; token_id and
 * position skip the dictionary (bit-packed indices are not byte-aligned, which hides the repeats
 * from zstd); layer, rank, doc, labels and step form long runs; expert and the gate (quantised to
 * 1/255, at most 256 values) are dictionary indices of about 3 and 8 bits. Measured on 1M
 * synthetic rows: Spark's default (snappy, dictionary, unsorted) 6.3 bytes/row; sorted 3.6; plus
 * zstd 3.1; plus no dictionary for token_id and position 2.05; the same with float gates 4.6.
 */
public final class RoutingTable {
  public static final String TABLE = "routing";
  public static final String SPLIT = "split";
  /** The split for routing sampled while training; {@code step} is then the training step. */
  public static final String TRAIN_SAMPLE = "train-sample";
  /** Gates are stored as multiples of 1/GATE_LEVELS, so their dictionary has ≤ 256 entries. */
  public static final int GATE_LEVELS = 255;

  private static final String[] SORT = {
    Tables.RUN_ID, SPLIT, "step", "doc_id", "layer", "rank", "position"};
  private static final String[] NO_DICTIONARY = {"token_id", "position"};

  private RoutingTable() {}

  /** Columns the writer takes (the table's schema without run_id), in {@link RoutingRow} order. */
  public static StructType inputSchema() {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : Tables.schema(TABLE).fields()) {
      if (!f.name().equals(Tables.RUN_ID)) {
        fields.add(f);
      }
    }
    return DataTypes.createStructType(fields);
  }

  /** Encoder for {@code Dataset<Row>}s of {@link RoutingRow#toRow()} (e.g. from mapPartitions). */
  public static Encoder<Row> encoder() {
    return Encoders.row(inputSchema());
  }

  /**
   * Writes {@code rows} (columns of {@link #inputSchema()}, any order and numeric widths) as run
   * {@code runId}, replacing the (run, split) partitions they touch. Rows are range-partitioned by
   * (split, step, doc_id) over spark.sql.shuffle.partitions files and sorted for compression.
   */
  public static void write(Dataset<Row> rows, String out, String runId) {
    Dataset<Row> conformed = Tables.conform(
        rows.withColumn("gate", round(col("gate").multiply(GATE_LEVELS)).divide(GATE_LEVELS)),
        TABLE, runId);
    Dataset<Row> sorted = conformed
        .repartitionByRange(col(SPLIT), col("step"), col("doc_id"))
        .sortWithinPartitions(Arrays.stream(SORT).map(c -> col(c)).toArray(Column[]::new));
    DataFrameWriter<Row> writer = Tables.writer(sorted, SPLIT).option("compression", "zstd");
    for (String c : NO_DICTIONARY) {
      writer = writer.option("parquet.enable.dictionary#" + c, "false");
    }
    writer.parquet(Tables.path(out, TABLE));
  }

  /** Writes rows held on the driver (routing sampled while training, tests). */
  public static void write(SparkSession spark, Iterator<RoutingRow> rows, String out, String runId) {
    List<Row> list = new ArrayList<>();
    rows.forEachRemaining(r -> list.add(r.toRow()));
    write(spark.createDataFrame(list, inputSchema()), out, runId);
  }

  public static Dataset<Row> read(SparkSession spark, String out, String runId) {
    return Tables.read(spark, out, TABLE, runId);
  }

  /** Bytes on disk of run {@code runId}'s files (all splits), for the bytes/row figure. */
  public static long bytesOnDisk(SparkSession spark, String out, String runId) {
    return bytes(spark, new Path(Tables.path(out, TABLE) + "/" + Tables.RUN_ID + "=" + runId));
  }

  /** Bytes on disk of one split of run {@code runId}. */
  public static long bytesOnDisk(SparkSession spark, String out, String runId, String split) {
    return bytes(spark, new Path(Tables.path(out, TABLE) + "/" + Tables.RUN_ID + "=" + runId
        + "/" + SPLIT + "=" + split));
  }

  private static long bytes(SparkSession spark, Path dir) {
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.getContentSummary(dir).getLength();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
