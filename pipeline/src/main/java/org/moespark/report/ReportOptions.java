package org.moespark.report;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.moespark.analysis.AnalysisConfig;
import org.moespark.config.Check;

/**
 * What {@code moe-spark report} covers.
 *
 * @param runs run ids to include; empty = every run found
 * @param since only runs whose tables changed at or after this instant; null = any time
 * @param splits routing splits to describe, in order of preference; a run without any of them
 *     is described on its first split in name order
 * @param ciLevel two-sided level of the bootstrap CIs in analysis/specialization (analysis.confidence)
 * @param minDocs documents a label needs for a finding (analysis.min-docs)
 * @param minTokens tokens a label needs for a finding (analysis.min-tokens)
 */
public record ReportOptions(Set<String> runs, Instant since, List<String> splits, double ciLevel,
    int minDocs, long minTokens) {

  public ReportOptions {
    runs = Set.copyOf(runs);
    splits = List.copyOf(splits);
    Check.that(ciLevel > 0 && ciLevel < 1, "--ci-level", ciLevel, "must be in (0, 1)");
  }

  /** With the default minimum support of a finding. */
  public ReportOptions(Set<String> runs, Instant since, List<String> splits, double ciLevel) {
    this(runs, since, splits, ciLevel, AnalysisConfig.DEFAULT_MIN_DOCS, AnalysisConfig.DEFAULT_MIN_TOKENS);
  }

  /** The report of {@code runs} with the config's CI level and minimum support. */
  public static ReportOptions of(Set<String> runs, Instant since, List<String> splits, AnalysisConfig a) {
    return new ReportOptions(runs, since, splits, a.confidence(), a.minDocs(), a.minTokens());
  }

  public static ReportOptions all() {
    return new ReportOptions(Set.of(), null, List.of("validation", "test"), 0.95);
  }

  /** Whether run {@code runId}, last modified at {@code modifiedMs}, is in the report. */
  boolean selects(String runId, long modifiedMs) {
    return (runs.isEmpty() || runs.contains(runId))
        && (since == null || modifiedMs >= since.toEpochMilli());
  }
}
