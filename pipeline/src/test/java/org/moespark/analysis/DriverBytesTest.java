package org.moespark.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.routing.RoutingTable;
import org.moespark.routing.SyntheticRouting;
import org.moespark.spark.LocalSpark;
import org.moespark.spark.TaskResultBytes;

/**
 * Nothing proportional to the routing rows reaches the driver: the same documents with four times
 * the tokens each (4× the rows) send the driver the same task result bytes during the analysis,
 * while collecting just one column of the added rows would send it far more. What does reach it
 * is per document (the resampling unit of bootstrap and permutation test), per (layer, expert) or
 * per split.
 */
class DriverBytesTest {
  static final SparkSession SPARK = LocalSpark.get();
  static final int DOCS = 150;
  @TempDir static Path dir;

  @Test
  void driverBytesDoNotGrowWithTheRowsOfEachDocument() {
    long shortRows = write("short", 40);
    long longRows = write("long", 160);
    long shortBytes = analyze("short");
    long longBytes = analyze("long");
    long added = longRows - shortRows;
    long oneColumn = TaskResultBytes.during(SPARK, () -> RoutingTable.read(SPARK, root("long"), "r")
        .select("expert").limit((int) added).collectAsList());
    System.out.printf("driver bytes: %d (%d rows), %d (%d rows); one column of %d rows: %d%n",
        shortBytes, shortRows, longBytes, longRows, added, oneColumn);
    assertThat(longRows).isGreaterThan(3 * shortRows);
    assertThat(Math.abs(longBytes - shortBytes)).isLessThan(oneColumn / 10);
  }

  /** A routing table of DOCS documents of mean length {@code docLength}; returns its rows. */
  private static long write(String name, int docLength) {
    SyntheticRouting shape = new SyntheticRouting(5, 2, 8, 2, 2048, docLength);
    RoutingTable.write(shape.generate(SPARK, (long) DOCS * docLength * 2 * 2, "validation", 10),
        root(name), "r");
    return RoutingTable.read(SPARK, root(name), "r").count();
  }

  private static long analyze(String name) {
    return TaskResultBytes.during(SPARK, () -> new Analyzer(RoutingFixture.config(19, 20), 8, 2,
        id -> "t" + id).run(SPARK, root(name), "r"));
  }

  private static String root(String name) {
    return dir.resolve(name).toString();
  }
}
