package org.moespark.dist.spark;

import java.io.Serializable;

/**
 * A failure injected into the first attempt of a barrier stage, for recovery tests: after
 * {@code step}, rank {@code rank} either throws or halts its executor JVM (as a crash or an OOM
 * kill would).
 */
public record Fault(int rank, long step, boolean killJvm) implements Serializable {
  void maybeFire(int rank, long step, int stageAttempt) {
    if (stageAttempt != 0 || rank != this.rank || step != this.step) {
      return;
    }
    if (killJvm) {
      Runtime.getRuntime().halt(137);
    }
    throw new IllegalStateException("injected failure of rank " + rank + " after step " + step);
  }
}
