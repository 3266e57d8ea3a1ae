package org.moespark.corpus;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * Streams the records of one JSONL file (optionally gzip), numbering lines from 1. Lines are
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

  JsonLinesReader(InputStream raw, String file, RecordValidator validator, long maxLineBytes) {
    this.file = file;
    this.validator = validator;
    this.maxLineBytes = maxLineBytes;
    try {
      InputStream s = new BufferedInputStream(raw, 1 << 16);
      this.in = file.endsWith(".gz") ? new BufferedInputStream(new GZIPInputStream(s), 1 << 16) : s;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
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
    int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    return validator.jsonLine(len == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, len),
        truncated, file, line);
  }
}
