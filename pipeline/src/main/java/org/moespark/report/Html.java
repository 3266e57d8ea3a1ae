package org.moespark.report;

import java.util.Locale;

/** Escaping and number formats for the report page; every string from the data goes through {@link #esc}. */
final class Html {
  private Html() {}

  /** Text safe in HTML element content and in double- or single-quoted attributes. */
  static String esc(Object value) {
    String s = String.valueOf(value);
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A share as a percentage a reader scans: 61%, 4.5%, 0.3%. */
  static String pct(double share) {
    double p = share * 100;
    return Math.abs(p) >= 10 ? String.format(Locale.ROOT, "%.0f%%", p)
        : String.format(Locale.ROOT, "%.1f%%", p);
  }

  /** A p-value as a reader reads it: "p < 0.001", "p = 0.023". */
  static String pValue(double p) {
    return p < 0.001 ? "p < 0.001" : String.format(Locale.ROOT, "p = %.3f", p);
  }

  /** A count with thousands separators: 1,240. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** "1 document", "57 documents". */
  static String plural(long n, String word) {
    return count(n) + " " + word + (n == 1 ? "" : "s");
  }

  static String num(double x, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", x);
  }
}
