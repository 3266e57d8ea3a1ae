package org.moespark.dist;

import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The group of one rank (the local engine): every collective is the identity or a local copy. */
final class SingleRank implements Collective {
  static final SingleRank INSTANCE = new SingleRank();

  private SingleRank() {}

  @Override
  public int rank() {
    return 0;
  }

  @Override
  public int size() {
    return 1;
  }

  @Override
  public void allToAllV(INDArray send, long[] sendCounts, INDArray recv, long[] recvCounts) {
    Preconditions.checkArgument(sendCounts[0] == recvCounts[0], "sending %s elements to myself but expecting %s",
        sendCounts[0], recvCounts[0]);
    recv.assign(send);
  }

  @Override
  public void allReduceSum(INDArray data) {}

  @Override
  public void allReduceSum(double[] data) {}

  @Override
  public void allReduceSum(long[] data) {}

  @Override
  public void allGather(INDArray mine, INDArray all) {
    all.assign(mine);
  }

  @Override
  public long[] allGather(long[] mine) {
    return mine.clone();
  }

  @Override
  public void barrier() {}

  @Override
  public Collective group(int[] ranks) {
    Preconditions.checkArgument(ranks.length == 1 && ranks[0] == 0, "a single rank has no group %s",
        java.util.Arrays.toString(ranks));
    return this;
  }

  @Override
  public void close() {}
}
