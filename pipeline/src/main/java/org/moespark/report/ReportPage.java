package org.moespark.report;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The page shell: inline CSS (nothing is fetched when the page opens), run index, sections. */
final class ReportPage {
  private static final String CSS = """
      body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 0 24px 48px; color: #222; }
      h1 { margin: 24px 0 4px; } h2 { border-bottom: 2px solid #2166ac; padding-bottom: 4px; margin-top: 40px; }
      h3 { margin: 28px 0 8px; color: #333; } figure { margin: 8px 0; } img { display: block; border: 1px solid #ddd; }
      table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
      code { white-space: pre; background: #f2f2f2; padding: 0 3px; } .meta, .none { color: #666; }
      .findings li { margin: 4px 0; } .findings li.too-little-data { color: #666; } nav a { margin-right: 12px; }
      .verdict { background: #f4f8fc; border-left: 4px solid #2166ac; padding: 6px 12px; }
      """;

  private ReportPage() {}

  /**
   * @param summary the MoE vs dense comparison in words (first on the page)
   */
  static String render(List<RunData> runs, ReportOptions options, String summary, List<String> sections,
      Instant generated) {
    StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
        + "<meta charset=\"utf-8\">\n<title>moe-spark routing report</title>\n"
        + "<link rel=\"icon\" href=\"data:,\">\n<style>\n" + CSS + "</style>\n</head>\n<body>\n"
        + "<h1>MoE routing report</h1>\n<p class=\"meta\">Generated "
        + Html.esc(generated.truncatedTo(ChronoUnit.SECONDS))
        + " over " + runs.size() + " run(s). Shares are fractions of a label's tokens that have the"
        + " expert among their top-k choices; uniform = k/E. CIs are document-level bootstrap"
        + " percentiles; p-values come from document-level label permutations.</p>\n<nav>");
    if (runs.size() > 1) {
      b.append("<a href=\"#compare\">compare runs</a>");
    }
    for (RunData d : runs) {
      b.append("<a href=\"#run-").append(Html.esc(d.runId)).append("\">").append(Html.esc(d.runId))
          .append("</a>");
    }
    b.append("</nav>\n");
    b.append(summary);
    findings(b, runs, options);
    if (runs.isEmpty()) {
      b.append("<p class=\"none\">No runs selected: no analysis/, metrics/ or expert_load/ rows match.</p>\n");
    }
    sections.forEach(b::append);
    return b.append("</body>\n</html>\n").toString();
  }

  /** The one findings section: per run, specialists with their support, tests, too-little-data labels. */
  private static void findings(StringBuilder b, List<RunData> runs, ReportOptions options) {
    List<RunData> analysed = runs.stream().filter(d -> d.split != null).toList();
    if (analysed.isEmpty()) {
      return;
    }
    b.append("<h2 id=\"findings\">Findings</h2>\n<p class=\"meta\">A finding needs a label with at least ")
        .append(Html.plural(options.minDocs(), "document")).append(" and ")
        .append(Html.plural(options.minTokens(), "token"))
        .append(" (analysis.min-docs, analysis.min-tokens); specialists are ranked by the lower CI bound"
            + " over uniform, which grows with the share and with the data behind it.</p>\n");
    for (RunData d : analysed) {
      List<Findings.Sentence> sentences = Findings.sentences(d, options);
      if (analysed.size() > 1) {
        b.append("<h3>Run ").append(Html.esc(d.runId)).append("</h3>\n");
      }
      if (sentences.isEmpty()) {
        b.append("<p class=\"none\">No rows in analysis/significance for run ")
            .append(Html.esc(d.runId)).append(".</p>\n");
        continue;
      }
      b.append("<ul class=\"findings\">\n");
      sentences.forEach(s -> b.append("<li class=\"").append(s.kind().name().toLowerCase().replace('_', '-'))
          .append("\">").append(s.html()).append("</li>\n"));
      b.append("</ul>\n");
    }
  }
}
