package org.moespark.train;

/** How far two parameter vectors are apart, for the engine equivalence tests. */
public final class Diffs {
  private Diffs() {}

  /** ‖a − b‖₂ / ‖a‖₂. */
  public static double relL2(double[] a, double[] b) {
    double d = 0;
    double n = 0;
    for (int i = 0; i < a.length; i++) {
      d += (a[i] - b[i]) * (a[i] - b[i]);
      n += a[i] * a[i];
    }
    return Math.sqrt(d / n);
  }

  public static double maxDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
