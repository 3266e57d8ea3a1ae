package org.moespark.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.spark.Tables;
import org.moespark.spark.LocalSpark;

class RoutingTableTest {
  private final SparkSession spark = LocalSpark.get();

  @Test
  void millionRealisticRowsTakeAtMostThreeBytesEach(@TempDir Path dir) {
    String out = dir.toString();
    RoutingTable.write(SyntheticRouting.demo(7).generate(spark, 1_000_000, "validation", 1000), out, "r1");
    long rows = RoutingTable.read(spark, out, "r1").count();
    long bytes = RoutingTable.bytesOnDisk(spark, out, "r1");
    double perRow = (double) bytes / rows;
    System.out.printf("routing: %d rows, %d bytes, %.3f bytes/row%n", rows, bytes, perRow);
    assertThat(rows).isBetween(900_000L, 1_100_000L);
    assertThat(perRow).isLessThanOrEqualTo(3.0);
  }

  @Test
  void writesTheSchemaFileQuantisesGatesAndReplacesARun(@TempDir Path dir) {
    String out = dir.toString();
    List<RoutingRow> rows = List.of(
        new RoutingRow(5, "validation", "d1", "en", "web", 0, 42, 1, 0, 3, 0.7012f, false),
        new RoutingRow(5, "validation", "d1", "en", "web", 0, 42, 1, 1, 6, 0.2988f, true));
    RoutingTable.write(spark, rows.iterator(), out, "r1");
    RoutingTable.write(spark, rows.iterator(), out, "r1");
    Dataset<Row> back = spark.read().parquet(Tables.path(out, RoutingTable.TABLE));
    assertThat(Tables.sameShape(back.schema(), Tables.schema(RoutingTable.TABLE))).as(back.schema().treeString()).isTrue();
    List<Row> got = back.orderBy("rank").collectAsList();
    assertThat(got).hasSize(2);
    Row first = got.get(0);
    assertThat(first.<Short>getAs("expert")).isEqualTo((short) 3);
    assertThat(first.<Float>getAs("gate")).isEqualTo(179f / 255f);
    assertThat(first.<String>getAs("split")).isEqualTo("validation");
    assertThat(got.get(1).<Boolean>getAs("dropped")).isTrue();
  }
}
