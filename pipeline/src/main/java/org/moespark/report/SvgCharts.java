package org.moespark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/** Draws the report's charts with JFreeChart into SVG files under the report directory. */
final class SvgCharts {
  static final int WIDTH = 760;
  static final int HEIGHT = 380;
  /** Tableau 10: distinct on white, unlike JFreeChart's default yellow and light green. */
  private static final Paint[] PALETTE = {new Color(0x4E79A7), new Color(0xF28E2B),
      new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F), new Color(0xEDC948),
      new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)};
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  static final int MAX_LABEL = 18;

  static {
    // Charts are drawn off-screen; no display is needed (or present on a cluster driver).
    System.setProperty("java.awt.headless", "true");
  }

  private final Path dir;
  private final String assets;

  /**
   * @param dir the report directory (of index.html)
   * @param assets the directory below {@code dir} that receives the charts
   */
  SvgCharts(Path dir, String assets) {
    this.dir = dir;
    this.assets = assets;
  }

  /** Writes {@code chart} to {@code name} under the assets directory. */
  ChartFile write(String name, JFreeChart chart) {
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
    String relPath = assets + "/" + name;
    Path file = dir.resolve(relPath);
    try {
      Files.createDirectories(file.getParent());
      // The element alone: getSVGDocument adds a DOCTYPE naming an external DTD.
      Files.writeString(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + g.getSVGElement(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ChartFile(relPath, chart.getTitle().getText(), WIDTH, HEIGHT);
  }

  /** Lines over a numeric x axis, one per series (insertion order kept). */
  static JFreeChart lines(String title, String xLabel, String yLabel,
      Map<String, List<double[]>> series) {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach((name, points) -> {
      XYSeries s = new XYSeries(name, true, true);
      points.forEach(p -> s.addOrUpdate(p[0], p[1]));
      data.addSeries(s);
    });
    JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plot.getRenderer();
    boolean fewPoints = series.values().stream().allMatch(p -> p.size() <= 30);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      r.setSeriesStroke(i, new BasicStroke(2f));
      r.setSeriesShapesVisible(i, fewPoints);
    }
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
    return style(chart);
  }

  /** Lines over categories (e.g. layers, position buckets): series → category → value. */
  static JFreeChart categoryLines(String title, String xLabel, String yLabel,
      Map<String, Map<String, Double>> series) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    series.forEach((name, values) -> values.forEach((cat, v) -> data.addValue(v, name, cat)));
    JFreeChart chart = ChartFactory.createLineChart(title, xLabel, yLabel, data,
        PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    var r = (org.jfree.chart.renderer.category.LineAndShapeRenderer) plot.getRenderer();
    r.setDefaultShapesVisible(true);
    for (int i = 0; i < data.getRowCount(); i++) {
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    return style(chart);
  }

  /**
   * A heatmap of a ratio to uniform (1 = as if routing ignored the row): x = columns, y = rows.
   *
   * @param columns column names, or null for a numeric x axis at {@code xValues}
   * @param xValues ascending column positions (e.g. steps) when {@code columns} is null
   * @param ratio [row][column], NaN where there is no value
   */
  static JFreeChart heatmap(String title, String xLabel, String[] columns, double[] xValues,
      String yLabel, String[] rows, double[][] ratio, String legend) {
    int cols = columns != null ? columns.length : xValues.length;
    int n = rows.length * cols;
    double[][] xyz = new double[3][n];
    double max = 1;
    for (int y = 0; y < rows.length; y++) {
      for (int x = 0; x < cols; x++) {
        int i = y * cols + x;
        xyz[0][i] = columns != null ? x : xValues[x];
        xyz[1][i] = y;
        xyz[2][i] = ratio[y][x];
        if (!Double.isNaN(ratio[y][x])) {
          max = Math.max(max, ratio[y][x]);
        }
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("ratio", xyz);
    XYBlockRenderer renderer = new XYBlockRenderer();
    RatioScale scale = new RatioScale(Math.max(2, max));
    renderer.setPaintScale(scale);
    ValueAxis xAxis;
    if (columns != null) {
      SymbolAxis symbols = new SymbolAxis(xLabel, axisLabels(columns));
      symbols.setGridBandsVisible(false);
      symbols.setVerticalTickLabels(columns.length > 8);
      xAxis = symbols;
    } else {
      // Blocks as wide as the smallest step gap, so thinned steps leave no holes.
      double width = 1;
      for (int i = 1; i < xValues.length; i++) {
        width = i == 1 ? xValues[1] - xValues[0] : Math.min(width, xValues[i] - xValues[i - 1]);
      }
      renderer.setBlockWidth(width);
      NumberAxis steps = new NumberAxis(xLabel);
      steps.setRange(xValues[0] - width / 2, xValues[xValues.length - 1] + width / 2);
      xAxis = steps;
    }
    SymbolAxis yAxis = new SymbolAxis(yLabel, axisLabels(rows));
    yAxis.setGridBandsVisible(false);
    XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
    plot.setBackgroundPaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    JFreeChart chart = new JFreeChart(title, TITLE, plot, false);
    NumberAxis legendAxis = new NumberAxis(legend);
    legendAxis.setRange(0, scale.getUpperBound());
    PaintScaleLegend psl = new PaintScaleLegend(scale, legendAxis);
    psl.setPosition(RectangleEdge.RIGHT);
    psl.setMargin(8, 8, 8, 8);
    chart.addSubtitle(psl);
    return style(chart);
  }

  /**
   * Tick labels cut to {@link #MAX_LABEL} characters (head … tail, so "…-2023-q1" and "…-2023-q2"
   * stay apart): JFreeChart gives a long label the plot's whole width and then drops the axis.
   * Labels still equal after cutting get their position appended. Full names are in the tables.
   */
  static String[] axisLabels(String[] names) {
    String[] out = new String[names.length];
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < names.length; i++) {
      String n = names[i];
      String cut = n.length() <= MAX_LABEL ? n
          : n.substring(0, MAX_LABEL / 2) + "…" + n.substring(n.length() - (MAX_LABEL - 1 - MAX_LABEL / 2));
      out[i] = seen.add(cut) ? cut : cut + " #" + (i + 1);
    }
    return out;
  }

  private static JFreeChart style(JFreeChart chart) {
    chart.getTitle().setFont(TITLE);
    chart.getPlot().setDrawingSupplier(new DefaultDrawingSupplier(PALETTE,
        DefaultDrawingSupplier.DEFAULT_FILL_PAINT_SEQUENCE, DefaultDrawingSupplier.DEFAULT_OUTLINE_PAINT_SEQUENCE,
        DefaultDrawingSupplier.DEFAULT_STROKE_SEQUENCE, DefaultDrawingSupplier.DEFAULT_OUTLINE_STROKE_SEQUENCE,
        DefaultDrawingSupplier.DEFAULT_SHAPE_SEQUENCE));
    chart.setBackgroundPaint(Color.WHITE);
    if (chart.getPlot() instanceof XYPlot p && !(p.getRenderer() instanceof XYBlockRenderer)) {
      p.setBackgroundPaint(new Color(0xF7F7F7));
      p.setDomainGridlinePaint(Color.LIGHT_GRAY);
      p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    } else if (chart.getPlot() instanceof CategoryPlot p) {
      p.setBackgroundPaint(new Color(0xF7F7F7));
      p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }
    return chart;
  }
}
