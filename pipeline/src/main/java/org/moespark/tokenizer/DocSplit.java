package org.moespark.tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Where a document goes, from its id alone: MD5 of the UTF-8 doc_id; the first 8 bytes as an
 * unsigned fraction pick the split (validation below {@code tokenizer.validation-fraction}), the
 * last 8 bytes order the documents for packing (a fixed shuffle, so languages and domains mix in
 * every stretch of sequences). Reruns, other partitionings and other machines agree.
 */
final class DocSplit {
  static final String TRAIN = "train";
  static final String VALIDATION = "validation";

  private DocSplit() {}

  static String split(String docId, double validationFraction) {
    long bits = ByteBuffer.wrap(md5(docId)).getLong(0) >>> 11;
    return bits * 0x1.0p-53 < validationFraction ? VALIDATION : TRAIN;
  }

  static long order(String docId) {
    return ByteBuffer.wrap(md5(docId)).getLong(8);
  }

  private static byte[] md5(String s) {
    try {
      return MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }
}
