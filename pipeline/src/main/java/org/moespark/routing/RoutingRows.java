package org.moespark.routing;

import java.util.List;
import org.apache.spark.sql.Row;
import org.moespark.model.MoeTransformer;
import org.moespark.model.Routing;
import org.moespark.tokenizer.Sequences;

/** The routing rows of the model's last forward over a labelled batch. */
public final class RoutingRows {
  private RoutingRows() {}

  /**
   * Adds one row per (input token, MoE layer, choice) of the last {@code net.forward(tokens, …)}.
   *
   * @param labels per sequence of {@code tokens}, the document labels of each position
   */
  public static void add(List<Row> rows, long step, String split, int[][] tokens,
      Sequences.TokenLabels[] labels, MoeTransformer net) {
    int[] layers = net.moeLayers();
    List<Routing> routing = net.routing();
    int t = net.config().seqLen();
    int k = net.config().topK();
    for (int b = 0; b < tokens.length; b++) {
      Sequences.TokenLabels l = labels[b];
      for (int p = 0; p < t; p++) {
        int n = b * t + p;
        for (int li = 0; li < layers.length; li++) {
          Routing r = routing.get(li);
          for (int c = 0; c < k; c++) {
            int idx = n * k + c;
            rows.add(new RoutingRow(step, split, l.docId()[p], l.lang()[p], l.domain()[p],
                l.position()[p], tokens[b][p], layers[li], c, r.expert()[idx], r.gate()[idx],
                r.dropped()[idx]).toRow());
          }
        }
      }
    }
  }
}
