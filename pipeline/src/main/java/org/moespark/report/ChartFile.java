package org.moespark.report;

/** A chart drawn into the report's assets: its path relative to index.html and its pixel size. */
public record ChartFile(String path, String title, int width, int height) {

  /** The {@code <img>} element; the browser test finds every chart by data-chart. */
  String img() {
    return "<figure><img data-chart src=\"" + Html.esc(path) + "\" width=\"" + width
        + "\" height=\"" + height + "\" alt=\"" + Html.esc(title) + "\"></figure>";
  }
}
