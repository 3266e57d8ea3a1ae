package org.moespark.report;

/**
 * A token as a reader can see it in a table: whitespace is invisible and a leading space (most
 * BPE word tokens have one) would vanish in HTML, so spaces, newlines and tabs get visible marks;
 * other control characters are written as escapes.
 */
final class TokenText {
  private TokenText() {}

  static String visible(String token) {
    if (token.isEmpty()) {
      return "∅";
    }
    StringBuilder b = new StringBuilder();
    token.codePoints().forEach(c -> {
      switch (c) {
        case ' ' -> b.append('␣');
        case '\n' -> b.append('↵');
        case '\t' -> b.append('⇥');
        case '\r' -> b.append('␍');
        default -> {
          if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
            b.append(String.format("\\u%04X", c));
          } else {
            b.appendCodePoint(c);
          }
        }
      }
    });
    return b.toString();
  }
}
