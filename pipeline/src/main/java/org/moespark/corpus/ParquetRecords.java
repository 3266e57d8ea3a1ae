package org.moespark.corpus;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * The rows of one Parquet file as records, numbered from 1 (quarantine.line). Read with
 * parquet-mr inside the task rather than with {@code spark.read()}, so each file keeps its own
 * schema: a file whose {@code text} is INT64 yields {@code invalid_text} rows instead of failing
 * the read of every Parquet input at once.
 */
final class ParquetRecords implements Iterator<CorpusRecord>, Closeable {
  private final ParquetReader<Group> reader;
  private final String file;
  private final RecordValidator validator;
  private Group next;
  private long row;

  ParquetRecords(Path path, String file, Configuration conf, RecordValidator validator)
      throws IOException {
    this.reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build();
    this.file = file;
    this.validator = validator;
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      try {
        next = reader.read();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return next != null;
  }

  @Override
  public CorpusRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Group g = next;
    next = null;
    row++;
    Map<String, Object> fields = new LinkedHashMap<>();
    StringBuilder raw = new StringBuilder("{");
    for (int i = 0; i < g.getType().getFieldCount(); i++) {
      Type t = g.getType().getType(i);
      Object v;
      try {
        v = value(g, i, t);
      } catch (CharacterCodingException e) {
        return CorpusRecord.rejected(RejectReason.INVALID_UTF8, "column '" + t.getName()
            + "' is not valid UTF-8", file, row, null, validator.raw(raw.append('}').toString()));
      }
      fields.put(t.getName(), v);
      raw.append(raw.length() > 1 ? "," : "").append(json(t.getName())).append(':')
          .append(v == null ? "null" : v instanceof String s ? json(s) : ((RecordValidator.NonString) v).json());
    }
    return validator.fields(fields, file, row, raw.append('}').toString());
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /** A string column as a String (strict UTF-8); anything else as a {@link RecordValidator.NonString}. */
  private static Object value(Group g, int i, Type t) throws CharacterCodingException {
    int n = g.getFieldRepetitionCount(i);
    if (n == 0) {
      return null;
    }
    if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
      List<String> parts = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        parts.add(t.isPrimitive() ? g.getValueToString(i, k) : g.getGroup(i, k).toString().strip());
      }
      String text = (t.isPrimitive() ? "" : t.getName() + " ") + parts;
      return new RecordValidator.NonString(t.isPrimitive() ? "repeated column" : "group column", text,
          json(text));
    }
    PrimitiveType p = t.asPrimitiveType();
    LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
    if (p.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY
        && (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation)) {
      // Binary.toStringUsingUTF8 would replace bad bytes with U+FFFD without a word.
      return RecordValidator.strict(g.getBinary(i, 0).getBytes());
    }
    String text = g.getValueToString(i, 0);
    String type = p.getPrimitiveTypeName().name() + (logical == null ? "" : " (" + logical + ")");
    boolean literal = logical == null && switch (p.getPrimitiveTypeName()) {
      case INT32, INT64, BOOLEAN -> true;
      case FLOAT, DOUBLE -> text.matches("[-0-9.eE]+");
      default -> false;
    };
    return new RecordValidator.NonString(type, text, literal ? text : json(text));
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
