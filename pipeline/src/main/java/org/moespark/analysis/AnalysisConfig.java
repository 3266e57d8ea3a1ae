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
 */
public record AnalysisConfig(int permutations, int bootstrap, double confidence, long seed,
    int topTokens, int minTokenCount) {

  public AnalysisConfig {
    Check.positive("analysis.permutations", permutations);
    Check.positive("analysis.bootstrap", bootstrap);
    Check.that(confidence > 0 && confidence < 1, "analysis.confidence", confidence, "must be in (0, 1)");
    Check.positive("analysis.top-tokens", topTokens);
    Check.positive("analysis.min-token-count", minTokenCount);
  }

  public static AnalysisConfig from(Config c) {
    return new AnalysisConfig(c.getInt("permutations"), c.getInt("bootstrap"),
        c.getDouble("confidence"), c.getLong("seed"), c.getInt("top-tokens"),
        c.getInt("min-token-count"));
  }
}
