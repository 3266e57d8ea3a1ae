package org.moespark.dist;

/** Names one exchange in error messages: which call, which of the group's exchanges, where. */
record CallSite(Call call, int seq, int group, int rank) {
  @Override
  public String toString() {
    return call.text + " #" + seq + " of group " + group + " on rank " + rank;
  }
}
