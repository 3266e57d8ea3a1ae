package org.moespark.tokenizer;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into pre-tokens with the GPT-2 pattern, the one Hugging Face's
 * {@code ByteLevel(use_regex=true)} pre-tokenizer applies (tokenizers' byte_level.rs):
 * {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}.
 *
 * <p>HF compiles it with Oniguruma, whose {@code \s} is Unicode White_Space (NBSP, U+3000, ...);
 * Java's {@code \s} is ASCII only, so it is spelled {@code \p{IsWhite_Space}} here. Both engines
 * are backtracking, leftmost-first, so alternation order and the {@code (?!\S)} lookahead
 * (a whitespace run gives its last character to the following word) behave the same. Every
 * character matches some alternative, so the matches cover the text with no gaps.
 */
final class PreTokenizer {
  private static final String WS = "\\p{IsWhite_Space}";
  static final Pattern GPT2 = Pattern.compile(
      "'s|'t|'re|'ve|'m|'ll|'d"
          + "| ?\\p{L}+| ?\\p{N}+| ?[^" + WS + "\\p{L}\\p{N}]+"
          + "|" + WS + "+(?!" + "\\P{IsWhite_Space}" + ")|" + WS + "+");

  private PreTokenizer() {}

  /** Calls {@code sink} with each pre-token of {@code text[from, to)}, in order. */
  static void split(String text, int from, int to, Consumer<String> sink) {
    Matcher m = GPT2.matcher(text).region(from, to);
    while (m.find()) {
      sink.accept(m.group());
    }
  }

  static void split(String text, Consumer<String> sink) {
    split(text, 0, text.length(), sink);
  }
}
