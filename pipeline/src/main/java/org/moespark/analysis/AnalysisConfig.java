package org.moespark.analysis;

import com.typesafe.config.Config;
import org.moespark.config.Check;

/**
 * The {@code analysis} section: resampling sizes and output sizes of {@code moe-spark analyze}.
 *
 * @param permutations label permutations of the mutual-information test (p resolution 1/(P+1))
 * @param bootstrap document resamples B for the percentile CIs of specialization shares
 * @param confidence two-sided level of those CIs
 * @param seed seed of permutations and resamples (same seed, same p-values and CIs)
 * @param topTokens tokens listed per (layer, expert) in top_tokens
 * @param minTokenCount occurrences a token needs to enter top_tokens (rare tokens have noisy shares)
 * @param minDocs documents a label needs before the report states a finding about it: a CI from
 *     one document is zero-width and reads as certainty
 * @param minTokens tokens a label needs for the same
 */
public record AnalysisConfig(int permutations, int bootstrap, double confidence, long seed,
    int topTokens, int minTokenCount, int minDocs, long minTokens) {

  public static final int DEFAULT_MIN_DOCS = 10;
  public static final long DEFAULT_MIN_TOKENS = 1000;

  /** With the default minimum support. */
  public AnalysisConfig(int permutations, int bootstrap, double confidence, long seed, int topTokens,
      int minTokenCount) {
    this(permutations, bootstrap, confidence, seed, topTokens, minTokenCount, DEFAULT_MIN_DOCS,
        DEFAULT_MIN_TOKENS);
  }

  public AnalysisConfig {
    Check.positive("analysis.permutations", permutations);
    Check.positive("analysis.bootstrap", bootstrap);
    Check.that(confidence > 0 && confidence < 1, "analysis.confidence", confidence, "must be in (0, 1)");
    Check.positive("analysis.top-tokens", topTokens);
    Check.positive("analysis.min-token-count", minTokenCount);
    Check.positive("analysis.min-docs", minDocs);
    Check.positive("analysis.min-tokens", minTokens);
  }

  public static AnalysisConfig from(Config c) {
    return new AnalysisConfig(c.getInt("permutations"), c.getInt("bootstrap"),
        c.getDouble("confidence"), c.getLong("seed"), c.getInt("top-tokens"),
        c.getInt("min-token-count"), c.getInt("min-docs"), c.getLong("min-tokens"));
  }
}
