package org.moespark.report;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.moespark.config.Check;

/**
 * What {@code moe-spark report} covers.
 *
 * @param runs run ids to include; empty = every run found
 * @param since only runs whose tables changed at or after this instant; null = any time
 * @param splits routing splits to describe, in order of preference; a run without any of them
 *     is described on its first split in name order
 * @param ciLevel two-sided level of the bootstrap CIs in analysis/specialization (analysis.confidence)
 */
public record ReportOptions(Set<String> runs, Instant since, List<String> splits, double ciLevel) {

  public ReportOptions {
    runs = Set.copyOf(runs);
    splits = List.copyOf(splits);
    Check.that(ciLevel > 0 && ciLevel < 1, "--ci-level", ciLevel, "must be in (0, 1)");
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
