package org.moespark.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenTextTest {
  @Test
  void whitespaceGetsVisibleMarksAndControlCharactersEscapes() {
    assertThat(TokenText.visible(" the")).isEqualTo("␣the");
    assertThat(TokenText.visible("\n\t\r")).isEqualTo("↵⇥␍");
    assertThat(TokenText.visible("\u0007x")).isEqualTo("\\u0007x");
    assertThat(TokenText.visible("")).isEqualTo("∅");
    assertThat(TokenText.visible("\\xE2")).isEqualTo("\\xE2");
  }
}
