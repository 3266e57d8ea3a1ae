package org.moespark.corpus;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.util.SerializableConfiguration;
import org.moespark.corpus.InputFiles.InputFile;

/**
 * Reads one input file into records on an executor. The file is the unit of failure: whatever
 * goes wrong while opening or reading it (corrupt gzip or Parquet footer, a file deleted since
 * listing, a permission error) ends that file with one {@code unreadable_file} row after the
 * records read so far, and the other files are read as usual.
 */
final class FileRecords implements Serializable {
  private final SerializableConfiguration conf;
  private final RecordValidator validator;
  private final String textPathPattern;

  FileRecords(Configuration conf, RecordValidator validator, IngestConfig cfg) {
    this.conf = new SerializableConfiguration(conf);
    this.validator = validator;
    this.textPathPattern = cfg.textPathPattern();
  }

  /** The records of {@code f}; a file with a listing problem is that one quarantine row. */
  Iterator<CorpusRecord> read(InputFile f) {
    if (!f.readable()) {
      return List.of(CorpusRecord.rejected(f.problem(), f.detail(), f.path(), null, null, ""))
          .iterator();
    }
    return new Guarded(f);
  }

  private Iterator<CorpusRecord> open(InputFile f, List<Closeable> resources) throws IOException {
    Path path = new Path(URI.create(f.uri()));
    if (f.format() == InputFormat.PARQUET) {
      ParquetRecords rows = new ParquetRecords(path, f.path(), conf.value(), validator);
      resources.add(rows);
      return rows;
    }
    FileSystem fs = path.getFileSystem(conf.value());
    InputStream in = fs.open(path);
    resources.add(in);
    if (f.path().toLowerCase(Locale.ROOT).endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
      resources.add(in);
    }
    if (f.format() == InputFormat.TEXT) {
      return List.of(textFile(f, in)).iterator();
    }
    // Room for the JSON around a text at the size limit; longer lines are cut and quarantined.
    return new JsonLinesReader(in, f.path(), validator, validator.maxTextBytes() * 2 + 65_536);
  }

  /** One document per file; at most max-text-bytes + 1 bytes are read, so a huge file is cheap. */
  private CorpusRecord textFile(InputFile f, InputStream in) throws IOException {
    String docId = f.relative();
    long max = validator.maxTextBytes();
    boolean compressed = f.path().toLowerCase(Locale.ROOT).endsWith(".gz");
    if (!compressed && f.length() > max) {
      return validator.tooLong(String.valueOf(f.length()), f.path(), null, docId, "");
    }
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (bytes.length > max) {
      return validator.tooLong("more than " + max, f.path(), null, docId, "");
    }
    Matcher m = Pattern.compile(textPathPattern).matcher(f.path());
    boolean ok = m.matches();
    return validator.textFile(bytes, f.path(), docId, ok ? m.group("lang") : null,
        ok ? m.group("domain") : null);
  }

  /** Records of one file, turning any failure into a last {@code unreadable_file} record. */
  private final class Guarded implements Iterator<CorpusRecord> {
    private final InputFile file;
    private final List<Closeable> resources = new java.util.ArrayList<>();
    private Iterator<CorpusRecord> records;
    private CorpusRecord failure;
    private long read;
    private boolean closed;

    Guarded(InputFile file) {
      this.file = file;
    }

    @Override
    public boolean hasNext() {
      if (failure != null) {
        return true;
      }
      if (closed) {
        return false;
      }
      try {
        if (records == null) {
          records = open(file, resources);
        }
        if (records.hasNext()) {
          return true;
        }
      } catch (IOException | RuntimeException e) {
        failure = CorpusRecord.rejected(RejectReason.UNREADABLE_FILE,
            (read == 0 ? "" : "read failed after " + read + " records: ") + describe(e),
            file.path(), null, null, "");
      }
      close();
      return failure != null;
    }

    @Override
    public CorpusRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      if (failure != null) {
        CorpusRecord r = failure;
        failure = null;
        closed = true;
        return r;
      }
      try {
        read++;
        return records.next();
      } catch (RuntimeException e) {
        close();
        return CorpusRecord.rejected(RejectReason.UNREADABLE_FILE,
            "read failed after " + (read - 1) + " records: " + describe(e), file.path(), null, null, "");
      }
    }

    private void close() {
      closed = true;
      for (int i = resources.size() - 1; i >= 0; i--) {
        try {
          resources.get(i).close();
        } catch (IOException | RuntimeException ignored) {
          // The file is done with either way; a failed close loses no record.
        }
      }
      resources.clear();
    }
  }

  /** The innermost message, one line: "Not a Parquet file (magic number at tail …)". */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? root.getClass().getSimpleName()
        : root.getClass().getSimpleName() + ": " + root.getMessage();
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }
}
