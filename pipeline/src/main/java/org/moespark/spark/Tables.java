package org.moespark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The tables under the output root: {@code <out>/<table>/run_id=<id>/...}. Each table's schema is
 * {@code data-schemas/<table>.json} (Spark StructType JSON, shipped in the jar); writers conform
 * to it, so the file is the single source of truth for columns, order and types.
 */
public final class Tables {
  public static final String RUN_ID = "run_id";

  private Tables() {}

  public static String path(String out, String table) {
    return out.replaceAll("/+$", "") + "/" + table;
  }

  /**
   * The schema of {@code table} as Spark reads it back (partition columns last). A nested table
   * such as {@code analysis/load} has its file at {@code data-schemas/analysis_load.json}.
   */
  public static StructType schema(String table) {
    String resource = "data-schemas/" + table.replace('/', '_') + ".json";
    try (InputStream in = Tables.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no schema file " + resource + " on the classpath");
      }
      return (StructType) DataType.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code df} as run {@code runId} of {@code table}, replacing only that run's partitions.
   * Columns are selected and cast in schema order; a missing column is an error, not a null.
   *
   * @param partitionBy partition columns after run_id, in the schema's order
   */
  public static void write(Dataset<Row> df, String out, String table, String runId,
      String... partitionBy) {
    writer(conform(df, table, runId), partitionBy).parquet(path(out, table));
  }

  /** A writer replacing only the runs in {@code df}, partitioned by run_id then {@code partitionBy}. */
  public static DataFrameWriter<Row> writer(Dataset<Row> df, String... partitionBy) {
    List<String> parts = new ArrayList<>();
    parts.add(RUN_ID);
    parts.addAll(Arrays.asList(partitionBy));
    return df.write()
        .mode(SaveMode.Overwrite)
        .option("partitionOverwriteMode", "dynamic")
        .partitionBy(parts.toArray(new String[0]));
  }

  /**
   * {@code df} with run_id set to {@code runId}, its columns selected and cast in the order of
   * {@code table}'s schema; a missing column is an error, not a null.
   */
  public static Dataset<Row> conform(Dataset<Row> df, String table, String runId) {
    StructType schema = schema(table);
    Dataset<Row> withRun = df.withColumn(RUN_ID, lit(runId));
    List<String> have = Arrays.asList(withRun.columns());
    List<Column> cols = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (!have.contains(f.name())) {
        throw new IllegalArgumentException("table " + table + " needs column " + f.name()
            + " (data-schemas/" + table + ".json); the data has " + have);
      }
      cols.add(col(f.name()).cast(f.dataType()).as(f.name(), f.metadata()));
    }
    return withRun.select(cols.toArray(new Column[0]));
  }

  /** One run of a table. */
  public static Dataset<Row> read(SparkSession spark, String out, String table, String runId) {
    return spark.read().schema(schema(table)).parquet(path(out, table))
        .where(col(RUN_ID).equalTo(runId));
  }

  /** Whether two schemas agree on column names, order, types and nullability (metadata aside). */
  public static boolean sameShape(StructType a, StructType b) {
    if (a.fields().length != b.fields().length) {
      return false;
    }
    for (int i = 0; i < a.fields().length; i++) {
      StructField x = a.fields()[i];
      StructField y = b.fields()[i];
      if (!x.name().equals(y.name()) || !x.dataType().sameType(y.dataType())
          || x.nullable() != y.nullable()) {
        return false;
      }
    }
    return true;
  }
}
