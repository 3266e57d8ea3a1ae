package org.moespark.model.moe;

import org.nd4j.linalg.api.ndarray.INDArray;

/** This rank computes every expert: no rows move (the grouped experts' zero row is row N·K). */
public final class LocalExchange implements ExpertExchange {
  private int[] counts;

  @Override
  public int maxExpertRows(int pairs) {
    return pairs;
  }

  @Override
  public void plan(int[] keptPerGlobalExpert) {
    counts = keptPerGlobalExpert;
  }

  @Override
  public int[] localCounts() {
    return counts;
  }

  @Override
  public INDArray toExperts(INDArray tokenSide) {
    return tokenSide;
  }

  @Override
  public INDArray fromExperts(INDArray expertSide) {
    return expertSide;
  }
}
