package org.moespark.corpus;

/** Why a record went to quarantine/ instead of documents/. */
public enum RejectReason {
  MALFORMED_JSON("the line is not a JSON object"),
  INVALID_UTF8("the bytes are not valid UTF-8"),
  MISSING_TEXT("no string field 'text'"),
  EMPTY_TEXT("'text' is empty or blank"),
  MISSING_DOC_ID("no non-blank 'doc_id'"),
  MISSING_LANG("no non-blank 'lang' (or the text path pattern did not match)"),
  MISSING_DOMAIN("no non-blank 'domain' (or the text path pattern did not match)"),
  TEXT_TOO_LONG("text longer than ingest.max-text-bytes"),
  DUPLICATE_DOC_ID("doc_id seen before; the first occurrence is kept"),
  EMPTY_FILE("a 0-byte input file"),
  UNREADABLE_FILE("the file could not be read (e.g. corrupt gzip)");

  private final String meaning;

  RejectReason(String meaning) {
    this.meaning = meaning;
  }

  /** The value stored in quarantine.reason. */
  public String code() {
    return name().toLowerCase();
  }

  public String meaning() {
    return meaning;
  }
}
