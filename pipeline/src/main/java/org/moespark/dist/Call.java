package org.moespark.dist;

/** The public operation a message belongs to: a peer in a different one is a protocol error. */
enum Call {
  ALL_TO_ALL_V("allToAllV"),
  ALL_REDUCE_SUM("allReduceSum"),
  ALL_GATHER("allGather"),
  BARRIER("barrier");

  final String text;

  Call(String text) {
    this.text = text;
  }

  static Call ofCode(int code) {
    Call[] all = values();
    if (code < 0 || code >= all.length) {
      throw new CollectiveException("unknown call code " + code + " in a message header");
    }
    return all[code];
  }
}
