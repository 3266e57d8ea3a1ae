package org.moespark.corpus;

import com.typesafe.config.Config;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.moespark.config.Check;

/**
 * @param maxTextBytes a document whose UTF-8 text is longer goes to quarantine
 * @param rawTruncateChars quarantined raw records are cut to this many characters
 * @param textPathPattern for plain-text inputs: a regex over the file path with named groups
 *     {@code lang} and {@code domain}
 */
public record IngestConfig(long maxTextBytes, int rawTruncateChars, String textPathPattern) {

  public IngestConfig {
    Check.positive("ingest.max-text-bytes", maxTextBytes);
    Check.positive("ingest.raw-truncate-chars", rawTruncateChars);
    try {
      Pattern p = Pattern.compile(textPathPattern);
      Check.that(p.pattern().contains("(?<lang>") && p.pattern().contains("(?<domain>"),
          "ingest.text-path-pattern", textPathPattern,
          "must have named groups (?<lang>...) and (?<domain>...)");
    } catch (PatternSyntaxException e) {
      Check.that(false, "ingest.text-path-pattern", textPathPattern,
          "is not a regex: %s", e.getDescription());
    }
  }

  public static IngestConfig from(Config c) {
    return new IngestConfig(c.getBytes("max-text-bytes"), c.getInt("raw-truncate-chars"),
        c.getString("text-path-pattern"));
  }

  public Pattern pathPattern() {
    return Pattern.compile(textPathPattern);
  }
}
