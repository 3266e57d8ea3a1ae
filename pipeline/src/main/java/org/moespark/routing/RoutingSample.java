package org.moespark.routing;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.moespark.model.MoeTransformer;
import org.moespark.tokenizer.Sequences;

/** The routing of a fixed labelled batch during training (split train-sample), for router saturation. */
public final class RoutingSample {
  private RoutingSample() {}

  /**
   * Routing rows of the first {@code size} sequences of {@code labelled}, which the model has just
   * run forward on (the training loop runs it, on every rank that an expert-parallel forward needs).
   */
  public static List<Row> rows(MoeTransformer model, long step, Sequences labelled, int size) {
    int n = Math.min(size, labelled.size());
    List<Row> rows = new ArrayList<>();
    if (n == 0) {
      return rows;
    }
    int[][] tokens = new int[n][];
    Sequences.TokenLabels[] labels = new Sequences.TokenLabels[n];
    for (int i = 0; i < n; i++) {
      tokens[i] = labelled.tokens(i);
      labels[i] = labelled.labels(i);
    }
    RoutingRows.add(rows, step, RoutingTable.TRAIN_SAMPLE, tokens, labels, model);
    return rows;
  }
}
