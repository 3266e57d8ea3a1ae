package org.moespark.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.moespark.routing.RoutingRow;
import org.moespark.routing.RoutingTable;

/** Builds small routing tables token by token for the metric tests. */
final class RoutingFixture {
  final List<RoutingRow> rows = new ArrayList<>();
  String split = "validation";
  long step = 10;

  /** One token of one layer: experts by rank, gates 0.75 / 0.25 for top-2, else equal. */
  RoutingFixture token(String doc, String lang, String domain, int position, int tokenId, int layer,
      int... experts) {
    float[] gates = new float[experts.length];
    for (int r = 0; r < experts.length; r++) {
      gates[r] = experts.length == 2 ? (r == 0 ? 0.75f : 0.25f) : 1f / experts.length;
    }
    return gated(doc, lang, domain, position, tokenId, layer, experts, gates);
  }

  RoutingFixture gated(String doc, String lang, String domain, int position, int tokenId, int layer,
      int[] experts, float[] gates) {
    for (int r = 0; r < experts.length; r++) {
      rows.add(new RoutingRow(step, split, doc, lang, domain, position, tokenId, layer, r,
          experts[r], gates[r], false));
    }
    return this;
  }

  Dataset<Row> frame(SparkSession spark) {
    List<Row> list = new ArrayList<>();
    rows.forEach(r -> list.add(r.toRow()));
    return spark.createDataFrame(list, RoutingTable.inputSchema());
  }

  AnalysisInput input(SparkSession spark, int experts, int topK) {
    return AnalysisInput.of(frame(spark), experts, topK, config(99, 200), id -> "tok" + id);
  }

  /** The single row of {@code t} matching the SQL condition {@code where}. */
  static Row one(Dataset<Row> t, String where) {
    List<Row> rows = t.where(where).collectAsList();
    assertThat(rows).as(where).hasSize(1);
    return rows.get(0);
  }

  static double d(Row r, String column) {
    return r.<Double>getAs(column);
  }

  static AnalysisConfig config(int permutations, int bootstrap) {
    return new AnalysisConfig(permutations, bootstrap, 0.95, 7, 3, 1);
  }
}
