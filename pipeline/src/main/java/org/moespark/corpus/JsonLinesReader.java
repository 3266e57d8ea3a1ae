package org.moespark.corpus;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams the records of one JSONL file, numbering lines from 1. Lines are
 * kept as raw bytes so invalid UTF-8 is detected, not silently replaced. Blank lines are not
 * records. A line longer than {@code maxLineBytes} is cut (its head kept for the quarantine).
 */
final class JsonLinesReader implements Iterator<CorpusRecord> {
  private final InputStream in;
  private final String file;
  private final RecordValidator validator;
  private final long maxLineBytes;
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
  private long line;
  private CorpusRecord next;
  private boolean done;

  /** @param in the file's bytes, already decompressed */
  JsonLinesReader(InputStream in, String file, RecordValidator validator, long maxLineBytes) {
    this.file = file;
    this.validator = validator;
    this.maxLineBytes = maxLineBytes;
    this.in = new BufferedInputStream(in, 1 << 16);
  }

  @Override
  public boolean hasNext() {
    while (next == null && !done) {
      next = readRecord();
    }
    return next != null;
  }

  @Override
  public CorpusRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    CorpusRecord r = next;
    next = null;
    return r;
  }

  /** The next line's record, null for a blank line (and at the end, with done set). */
  private CorpusRecord readRecord() {
    buf.reset();
    boolean truncated = false;
    boolean blank = true;
    int b;
    try {
      while ((b = in.read()) != -1 && b != '\n') {
        if (buf.size() < maxLineBytes) {
          buf.write(b);
        } else {
          truncated = true;
        }
        blank &= b == ' ' || b == '\t' || b == '\r';
      }
      if (b == -1) {
        done = true;
        in.close();
        if (buf.size() == 0) {
          return null;
        }
      }
    } catch (IOException e) {
      done = true;
      return CorpusRecord.rejected(RejectReason.UNREADABLE_FILE,
          "read failed after line " + line + ": " + e.getMessage(), file, line + 1, null, "");
    }
    line++;
    if (blank) {
      return null;
    }
    byte[] bytes = buf.toByteArray();
    // A UTF-8 byte order mark (Windows editors write one) marks the encoding; it is not JSON.
    int from = line == 1 && bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF
        && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
    int to = bytes.length > from && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    return validator.jsonLine(from == 0 && to == bytes.length ? bytes
        : Arrays.copyOfRange(bytes, from, to), truncated, file, line);
  }
}
