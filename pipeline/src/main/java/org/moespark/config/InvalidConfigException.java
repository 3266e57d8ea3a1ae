package org.moespark.config;

/** A config value that cannot work; thrown before any SparkSession exists. */
public final class InvalidConfigException extends IllegalArgumentException {
  private final String key;

  public InvalidConfigException(String key, Object value, String allowed) {
    super("invalid config: " + key + " = " + value + ": " + allowed);
    this.key = key;
  }

  public InvalidConfigException(String key, String message) {
    super("invalid config: " + key + ": " + message);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
