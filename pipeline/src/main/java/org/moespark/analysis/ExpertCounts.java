package org.moespark.analysis;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Sums per (group, expert) with a slot for EVERY expert in [0, E), zeros included, so an expert a
 * group never chose (dead, or avoided by a label) still has its row. Two aggregations: first by
 * (group, expert), linear in the rows; then the small result into one array of E sums per group.
 */
final class ExpertCounts {
  private ExpertCounts() {}

  /**
   * One row per group: the {@code keys}, an array of E sums for each entry of {@code values} (name
   * → per-row value) indexed by expert, and the {@code totals} (name → per-row value) summed.
   */
  static Dataset<Row> arrays(Dataset<Row> rows, int experts, String[] keys,
      Map<String, Column> values, Map<String, Column> totals) {
    List<Column> first = new ArrayList<>();
    values.forEach((name, v) -> first.add(sum(v).as(name)));
    totals.forEach((name, v) -> first.add(sum(v).as(name)));
    List<String> byExpert = new ArrayList<>(List.of(keys));
    byExpert.add("expert");
    Dataset<Row> perExpert = rows.groupBy(AnalysisInput.cols(byExpert.toArray(new String[0])))
        .agg(first.get(0), first.subList(1, first.size()).toArray(new Column[0]));
    List<Column> second = new ArrayList<>();
    values.keySet().forEach(name -> {
      Column[] slots = new Column[experts];
      for (int e = 0; e < experts; e++) {
        slots[e] = sum(when(col("expert").equalTo(e), col(name)).otherwise(lit(0))).as(name + e);
      }
      second.add(array(slots).as(name));
    });
    totals.keySet().forEach(name -> second.add(sum(name).as(name)));
    return perExpert.groupBy(AnalysisInput.cols(keys))
        .agg(second.get(0), second.subList(1, second.size()).toArray(new Column[0]));
  }

  /** {@link #arrays} exploded back to one row per (group, expert), zeros included. */
  static Dataset<Row> rows(Dataset<Row> rows, int experts, String[] keys,
      Map<String, Column> values, Map<String, Column> totals) {
    List<String> names = new ArrayList<>(values.keySet());
    List<Column> out = new ArrayList<>();
    for (String k : keys) {
      out.add(col(k));
    }
    totals.keySet().forEach(name -> out.add(col(name)));
    out.add(posexplode(col(names.get(0))).as(new String[] {"expert", names.get(0)}));
    for (String name : names.subList(1, names.size())) {
      out.add(col(name));
    }
    Dataset<Row> exploded = arrays(rows, experts, keys, values, totals)
        .select(out.toArray(new Column[0]))
        .withColumn("expert", col("expert").cast("short"));
    for (String name : names.subList(1, names.size())) {
      exploded = exploded.withColumn(name, element_at(col(name), col("expert").plus(1)));
    }
    return exploded;
  }
}
