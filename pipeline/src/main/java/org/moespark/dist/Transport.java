package org.moespark.dist;

import java.nio.ByteBuffer;

/**
 * Moves messages between the ranks of one world; ranks here are world ranks. The collective
 * algorithm on top of it is the same for every transport ({@link GroupCollective}).
 */
interface Transport {
  /** The attempt every message of this world carries (a Spark stage attempt; 0 in process). */
  int attempt();

  /** Where this rank's messages arrive. */
  Inbox inbox();

  /**
   * Starts sending {@code header} and the bytes of {@code payload} between its position and
   * limit to {@code peer}. The payload must stay unchanged until the returned send is awaited.
   */
  Sending send(int peer, Header header, ByteBuffer payload);

  /**
   * This rank failed: later waits here fail, and peers are told so that theirs fail at once
   * instead of at their deadline (XGBoost's tracker does the same for its workers).
   */
  void abort(String reason);

  /** Releases everything; peers see this rank close. */
  void close();

  /** A send in flight. */
  interface Sending {
    Sending DONE = site -> {};

    /** Returns when the payload is no longer needed; fails at the deadline or if the peer died. */
    void await(CallSite site);
  }
}
