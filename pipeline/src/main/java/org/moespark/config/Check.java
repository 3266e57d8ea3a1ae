package org.moespark.config;

/**
 * Preconditions for config records: every failure names the key, the offending value and what
 * is allowed, so a user can fix the preset or the {@code --set} without reading code.
 */
public final class Check {
  private Check() {}

  public static void that(boolean ok, String key, Object value, String allowed, Object... args) {
    if (!ok) {
      throw new InvalidConfigException(key, value, String.format(allowed, args));
    }
  }

  public static int positive(String key, int value) {
    that(value > 0, key, value, "must be > 0");
    return value;
  }

  public static long positive(String key, long value) {
    that(value > 0, key, value, "must be > 0");
    return value;
  }

  public static double nonNegative(String key, double value) {
    that(value >= 0 && !Double.isNaN(value), key, value, "must be >= 0");
    return value;
  }

  public static double fraction(String key, double value) {
    that(value >= 0 && value < 1, key, value, "must be in [0, 1)");
    return value;
  }

  public static <E extends Enum<E>> E oneOf(String key, String value, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value.replace('-', '_'))) {
        return e;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      allowed.append(allowed.length() == 0 ? "" : "|").append(e.name().toLowerCase().replace('_', '-'));
    }
    throw new InvalidConfigException(key, value, "must be one of " + allowed);
  }
}
