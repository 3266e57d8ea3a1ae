package org.moespark.dist;

/**
 * A collective that cannot complete: a peer died, answered from another attempt, sent a
 * mismatched size, or did not answer within the deadline. It fails the task; Spark retries the
 * barrier stage.
 */
public class CollectiveException extends RuntimeException {
  public CollectiveException(String message) {
    super(message);
  }

  public CollectiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
