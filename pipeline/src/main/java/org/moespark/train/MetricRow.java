package org.moespark.train;

import java.io.Serializable;

/** One row of {@code metrics/} (data-schemas/metrics.json, without run_id and variant). */
public record MetricRow(long step, String split, long tokensSeen, double loss, double ce,
    double aux, double seqAux, double z, double lr, double gradNorm, double tokensPerS,
    double droppedFraction, double maxMeanLoad, long skippedSteps) implements Serializable {

  /** A validation row: its loss is the cross-entropy. */
  static MetricRow validation(long step, long tokensSeen, double ce, double lr, long skipped) {
    return new MetricRow(step, "validation", tokensSeen, ce, ce, 0, 0, 0, lr, 0, 0, 0, 0, skipped);
  }
}
