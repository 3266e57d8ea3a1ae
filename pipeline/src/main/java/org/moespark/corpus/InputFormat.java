package org.moespark.corpus;

import java.util.Locale;

/** How an input file is read. {@code AUTO} decides by file name. */
public enum InputFormat {
  AUTO, JSONL, TEXT, PARQUET;

  /** By extension: .parquet → Parquet; .jsonl/.json/.ndjson (optionally .gz) → JSONL; else text. */
  static InputFormat of(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT).replaceFirst("\\.gz$", "");
    if (n.endsWith(".parquet")) {
      return PARQUET;
    }
    if (n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson")) {
      return JSONL;
    }
    return TEXT;
  }
}
