package org.moespark.corpus;

import java.io.Serializable;
import java.util.Map;

/**
 * One input record after validation: a document (reason null) or a rejection. Field order
 * follows {@link #FIELDS}, the column order of the intermediate DataFrame.
 */
record CorpusRecord(
    String docId, String lang, String domain, String text, String source, Map<String, String> extra,
    String sourceFile, Long line, RejectReason reason, String detail, String raw)
    implements Serializable {

  static CorpusRecord document(String docId, String lang, String domain, String text, String source,
      Map<String, String> extra, String sourceFile, Long line) {
    return new CorpusRecord(docId, lang, domain, text, source, extra, sourceFile, line, null, null, null);
  }

  static CorpusRecord rejected(RejectReason reason, String detail, String sourceFile, Long line,
      String docId, String raw) {
    return new CorpusRecord(docId, null, null, null, null, null, sourceFile, line, reason, detail, raw);
  }

  boolean isDocument() {
    return reason == null;
  }
}
