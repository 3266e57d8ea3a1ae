package org.moespark.corpus;

/** Why a record went to quarantine/ instead of documents/. */
public enum RejectReason {
  MALFORMED_JSON("the line is not a JSON object"),
  INVALID_UTF8("the bytes are not valid UTF-8"),
  INVALID_UNICODE("a string holds an unpaired surrogate (e.g. JSON \\ud800), which UTF-8 cannot store"),
  MISSING_TEXT("no field 'text'"),
  INVALID_TEXT("'text' is not a string (e.g. a number)"),
  EMPTY_TEXT("'text' is empty or blank"),
  MISSING_DOC_ID("no non-blank 'doc_id'"),
  INVALID_DOC_ID("'doc_id' is not a string (e.g. the number 42 rather than \"42\")"),
  MISSING_LANG("no non-blank 'lang' (or the text path pattern did not match)"),
  INVALID_LANG("'lang' is not a string"),
  MISSING_DOMAIN("no non-blank 'domain' (or the text path pattern did not match)"),
  INVALID_DOMAIN("'domain' is not a string"),
  INVALID_SOURCE("'source' is not a string"),
  TEXT_TOO_LONG("text longer than ingest.max-text-bytes"),
  DUPLICATE_DOC_ID("doc_id seen before; the first occurrence is kept"),
  EMPTY_FILE("a 0-byte input file"),
  UNREADABLE_FILE("the file could not be read (e.g. corrupt gzip or Parquet, a broken link, a FIFO)"),
  SYMLINK_LOOP("a linked directory reached before (a loop, or a second link to it); not followed");

  private final String meaning;

  RejectReason(String meaning) {
    this.meaning = meaning;
  }

  /** The value stored in quarantine.reason. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public String meaning() {
    return meaning;
  }
}
