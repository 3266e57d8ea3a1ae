package org.moespark.tokenizer;

/**
 * GPT-2's reversible byte-to-character map (Radford et al. 2019, {@code bytes_to_unicode}): every
 * byte gets a printable character, so a token's bytes can be spelled as a string in
 * tokenizer.json. Printable Latin-1 bytes map to themselves, the others to U+0100 upwards
 * (space becomes 'Ġ', newline 'Ċ'). Hugging Face's ByteLevel pre-tokenizer and decoder use the
 * same table.
 */
final class ByteLevel {
  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[512];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      char c = (char) (printable ? b : next++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private ByteLevel() {}

  /** The characters spelling {@code bytes}. */
  static String spell(byte[] bytes) {
    char[] out = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    }
    return new String(out);
  }

  /** The bytes a byte-level string spells; rejects characters outside the table. */
  static byte[] unspell(String s) {
    byte[] out = new byte[s.length()];
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
      if (b < 0) {
        throw new IllegalArgumentException("not a byte-level character: U+"
            + Integer.toHexString(c) + " in " + s);
      }
      out[i] = (byte) b;
    }
    return out;
  }
}
