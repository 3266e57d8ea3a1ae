package org.moespark.corpus;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one raw input record into a document or a rejection with its reason. The same rules
 * apply to every input format; duplicates are found later, across all inputs.
 */
final class RecordValidator implements Serializable {
  // A repeated key would otherwise keep its last value silently: {"text":"a","text":"b"}.
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final long maxTextBytes;
  private final int rawTruncateChars;

  RecordValidator(IngestConfig cfg) {
    this.maxTextBytes = cfg.maxTextBytes();
    this.rawTruncateChars = cfg.rawTruncateChars();
  }

  /**
   * A field value that is not a string: its type (JSON "number", Parquet "INT64", …), its text (kept
   * in {@code extra}) and its JSON form (for the raw record). Labels, text and ids must be strings;
   * turning 42 into "42" would change the data silently.
   */
  record NonString(String type, String text, String json) implements Serializable {}

  /** One JSONL line (without its newline); {@code truncated} when the reader stopped keeping bytes. */
  CorpusRecord jsonLine(byte[] bytes, boolean truncated, String file, long line) {
    if (truncated) {
      return CorpusRecord.rejected(RejectReason.TEXT_TOO_LONG,
          "line longer than ingest.max-text-bytes (" + maxTextBytes + " bytes) plus JSON overhead",
          file, line, null, raw(lenient(bytes)));
    }
    String s;
    try {
      s = strict(bytes);
    } catch (CharacterCodingException e) {
      return CorpusRecord.rejected(RejectReason.INVALID_UTF8, describeBadUtf8(bytes), file, line,
          null, raw(lenient(bytes)));
    }
    JsonNode node;
    try {
      node = JSON.readTree(s);
    } catch (Exception e) {
      return CorpusRecord.rejected(RejectReason.MALFORMED_JSON, firstLine(e.getMessage()), file, line,
          null, raw(s));
    }
    if (node == null || !node.isObject()) {
      return CorpusRecord.rejected(RejectReason.MALFORMED_JSON,
          "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()), file, line,
          null, raw(s));
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      fields.put(e.getKey(), v.isNull() ? null : v.isTextual() ? v.textValue()
          : new NonString(v.getNodeType().name().toLowerCase(Locale.ROOT), v.toString(), v.toString()));
    }
    return fields(fields, file, line, s);
  }

  /**
   * A record given as fields (JSON object or Parquet row); values are strings, {@link NonString}
   * or null. {@code rawText} is the record as read, for the quarantine.
   */
  CorpusRecord fields(Map<String, Object> fields, String file, Long line, String rawText) {
    Object docIdValue = fields.get("doc_id");
    String docId = docIdValue instanceof String id ? trimmed(id) : null;
    String surrogate = unpairedSurrogate(fields);
    if (surrogate != null) {
      return CorpusRecord.rejected(RejectReason.INVALID_UNICODE, surrogate, file, line, docId,
          raw(rawText));
    }
    Object text = fields.get("text");
    if (text == null) {
      return CorpusRecord.rejected(RejectReason.MISSING_TEXT, "no field 'text'", file, line, docId,
          raw(rawText));
    }
    if (text instanceof NonString ns) {
      return CorpusRecord.rejected(RejectReason.INVALID_TEXT, wrongType("text", ns), file, line,
          docId, raw(rawText));
    }
    if (((String) text).isBlank()) {
      return CorpusRecord.rejected(RejectReason.EMPTY_TEXT, "'text' is blank", file, line, docId,
          raw(rawText));
    }
    if (docIdValue instanceof NonString ns) {
      return CorpusRecord.rejected(RejectReason.INVALID_DOC_ID, wrongType("doc_id", ns), file, line,
          null, raw(rawText));
    }
    if (docId == null) {
      return CorpusRecord.rejected(RejectReason.MISSING_DOC_ID, "no non-blank 'doc_id'", file, line,
          null, raw(rawText));
    }
    if (fields.get("source") instanceof NonString ns) {
      return CorpusRecord.rejected(RejectReason.INVALID_SOURCE, wrongType("source", ns), file, line,
          docId, raw(rawText));
    }
    Map<String, String> extra = new LinkedHashMap<>();
    fields.forEach((k, v) -> {
      if (!k.equals("doc_id") && !k.equals("lang") && !k.equals("domain") && !k.equals("text")
          && !k.equals("source") && v != null) {
        extra.put(k, v instanceof NonString ns ? ns.text() : v.toString());
      }
    });
    return document(docId, fields.get("lang"), fields.get("domain"), (String) text,
        trimmed(fields.get("source")), extra, file, line, rawText);
  }

  /** A whole plain-text file as one document; lang and domain come from its path. */
  CorpusRecord textFile(byte[] bytes, String file, String docId, String lang, String domain) {
    if (bytes.length == 0) {
      return CorpusRecord.rejected(RejectReason.EMPTY_FILE, "0 bytes", file, null, docId, "");
    }
    try {
      String text = strict(bytes);
      if (text.isBlank()) {
        return CorpusRecord.rejected(RejectReason.EMPTY_TEXT, "the file holds only whitespace", file,
            null, docId, raw(text));
      }
      return document(docId, lang, domain, text, null, Map.of(), file, null, text);
    } catch (CharacterCodingException e) {
      return CorpusRecord.rejected(RejectReason.INVALID_UTF8, describeBadUtf8(bytes), file, null,
          docId, raw(lenient(bytes)));
    }
  }

  private CorpusRecord document(String docId, Object langValue, Object domainValue, String text,
      String source, Map<String, String> extra, String file, Long line, String rawText) {
    if (langValue instanceof NonString ns) {
      return CorpusRecord.rejected(RejectReason.INVALID_LANG, wrongType("lang", ns), file, line,
          docId, raw(rawText));
    }
    if (domainValue instanceof NonString ns) {
      return CorpusRecord.rejected(RejectReason.INVALID_DOMAIN, wrongType("domain", ns), file, line,
          docId, raw(rawText));
    }
    String lang = normalisedLabel(langValue);
    if (lang == null) {
      return CorpusRecord.rejected(RejectReason.MISSING_LANG, "lang = " + langValue, file, line,
          docId, raw(rawText));
    }
    String domain = normalisedLabel(domainValue);
    if (domain == null) {
      return CorpusRecord.rejected(RejectReason.MISSING_DOMAIN, "domain = " + domainValue, file,
          line, docId, raw(rawText));
    }
    long bytes = utf8Length(text);
    if (bytes > maxTextBytes) {
      return tooLong(String.valueOf(bytes), file, line, docId, raw(rawText));
    }
    return CorpusRecord.document(docId, lang, domain, text, source, extra, file, line);
  }

  /** The text has more than ingest.max-text-bytes; {@code size} says how many bytes it has. */
  CorpusRecord tooLong(String size, String file, Long line, String docId, String raw) {
    return CorpusRecord.rejected(RejectReason.TEXT_TOO_LONG,
        "text is " + size + " bytes, limit ingest.max-text-bytes = " + maxTextBytes, file, line,
        docId, raw);
  }

  long maxTextBytes() {
    return maxTextBytes;
  }

  String raw(String s) {
    return s.length() <= rawTruncateChars ? s : s.substring(0, rawTruncateChars);
  }

  /** Labels are trimmed and lower-cased so "EN " and "en" are one language. */
  static String normalisedLabel(Object v) {
    String s = trimmed(v);
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static String trimmed(Object v) {
    if (v == null) {
      return null;
    }
    String s = v.toString().strip();
    return s.isEmpty() ? null : s;
  }

  static String strict(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes)).toString();
  }

  static String lenient(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String describeBadUtf8(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CoderResult r = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(in, CharBuffer.allocate(bytes.length + 1), true);
    int at = r.isError() ? in.position() : Math.max(0, bytes.length - 1);
    return "invalid UTF-8 at byte " + at + String.format(" (0x%02x)", bytes[at] & 0xff);
  }

  private static String wrongType(String field, NonString v) {
    return "'" + field + "' is a " + v.type() + " (" + abbreviated(v.text()) + "); it must be a string"
        + (field.equals("text") ? "" : ", e.g. \"" + abbreviated(v.text()) + "\"");
  }

  private static String abbreviated(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  /**
   * Where a key or string value holds a surrogate without its pair (JSON allows "\\ud800"), or null.
   * Stored as UTF-8 it would become '?', so the record is quarantined instead.
   */
  private static String unpairedSurrogate(Map<String, Object> fields) {
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      int at = unpairedAt(e.getKey());
      if (at >= 0) {
        return String.format("a field name holds an unpaired surrogate U+%04X at char %d",
            (int) e.getKey().charAt(at), at);
      }
      if (e.getValue() instanceof String s && (at = unpairedAt(s)) >= 0) {
        return String.format("'%s' holds an unpaired surrogate U+%04X at char %d; UTF-8 cannot "
            + "store it", e.getKey(), (int) s.charAt(at), at);
      }
    }
    return null;
  }

  private static int unpairedAt(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unparseable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
