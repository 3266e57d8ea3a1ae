package org.moespark.report;

import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * Diverging colours for a ratio to the uniform value: red below 1 (fewer tokens than uniform),
 * white at 1, blue above, saturating at {@code upper}.
 */
final class RatioScale implements PaintScale {
  private static final Color LOW = new Color(0xB2182B);
  private static final Color MID = Color.WHITE;
  private static final Color HIGH = new Color(0x2166AC);
  private final double upper;

  RatioScale(double upper) {
    this.upper = Math.max(upper, 1.0 + 1e-9);
  }

  @Override
  public double getLowerBound() {
    return 0;
  }

  @Override
  public double getUpperBound() {
    return upper;
  }

  @Override
  public Paint getPaint(double value) {
    if (Double.isNaN(value)) {
      return Color.LIGHT_GRAY;
    }
    return value <= 1 ? mix(LOW, MID, Math.max(0, value))
        : mix(MID, HIGH, Math.min(1, (value - 1) / (upper - 1)));
  }

  private static Color mix(Color a, Color b, double t) {
    return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
        (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
        (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
  }
}
