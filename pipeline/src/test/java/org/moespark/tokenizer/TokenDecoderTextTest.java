package org.moespark.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Byte-level tokens that are part of a character read as \xNN, not as U+FFFD boxes. */
class TokenDecoderTextTest {
  @Test
  void validTextStaysAndBytesOfAPartialCharacterAreEscaped() {
    assertThat(TokenDecoder.text(" €".getBytes(StandardCharsets.UTF_8))).isEqualTo(" €");
    assertThat(TokenDecoder.text(new byte[] {(byte) 0xE2, (byte) 0x82})).isEqualTo("\\xE2\\x82");
    assertThat(TokenDecoder.text(new byte[] {'a', (byte) 0xD0, 'b'})).isEqualTo("a\\xD0b");
    assertThat(TokenDecoder.text(new byte[0])).isEmpty();
  }
}
