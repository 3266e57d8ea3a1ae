package org.moespark.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.spark.LocalSpark;

/**
 * Renders the report in headless Chromium: every chart loads at its size and draws something, no
 * console error occurs, the findings read as sentences, and corpus strings stay text.
 */
class ReportBrowserTest {
  /** Kept after the test for a person to look at: the first screen, and the whole page. */
  static final Path SCREENSHOT = Path.of("target", "report-screenshot.png");
  static final Path SCREENSHOT_PAGE = Path.of("target", "report-page.png");
  private static final String CHARTS_JS = """
      JSON.stringify([...document.querySelectorAll('img[data-chart]')].map(i => {
        const r = i.getBoundingClientRect(); const s = getComputedStyle(i);
        return {src: i.getAttribute('src'), complete: i.complete, nw: i.naturalWidth,
          nh: i.naturalHeight, w: i.clientWidth, h: i.clientHeight, x: r.left + scrollX + i.clientLeft,
          y: r.top + scrollY + i.clientTop,
          visible: s.visibility === 'visible' && s.display !== 'none' && +s.opacity > 0};
      }))""";

  @TempDir Path tmp;

  @Test
  void everyChartIsVisibleWithoutConsoleErrorsAndCorpusTextIsEscaped() throws Exception {
    Path binary = Chromium.binary();
    if (binary == null) {
      fail("Chromium not found on PATH: this test renders the report in headless Chromium. "
          + "Install the Debian package: apt-get install -y chromium (CI installs it).");
    }
    SparkSession spark = LocalSpark.get();
    String out = tmp.resolve("out").toString();
    ReportFixtures.training(spark, out, "moe-a", "moe", 1);
    ReportFixtures.training(spark, out, "moe-a", "dense", 3);
    ReportFixtures.validation(spark, out, "moe-a");
    ReportFixtures.routing(spark, out, "moe-a");
    ReportFixtures.analysis(spark, out, "moe-a");
    ReportFixtures.training(spark, out, "dense-b", "dense", 2);
    Report.Result result = Report.build(spark, out, tmp.resolve("report"), ReportOptions.all(),
        (s, o, run) -> fail("moe-a is analysed already, dense-b has no routing; analysed " + run));

    // 3 comparison charts; moe-a: loss, 2 load, 4 specialization, 2 divergence, repetition,
    // position, saturation; dense-b: loss only.
    assertThat(result.runs()).containsExactly("dense-b", "moe-a");
    assertThat(result.charts()).hasSize(16);
    String html = Files.readString(result.index());
    assertThat(html).doesNotContain("<script", "<img src=x")
        .contains("&lt;img␣src=x␣onerror=&quot;window.__xss=2&quot;&gt;");   // spaces marked visibly
    for (ChartFile c : result.charts()) {
      String svg = Files.readString(result.index().getParent().resolve(c.path()), StandardCharsets.UTF_8);
      assertThat(svg.contains("<svg ") && svg.length() > 2000).as(c.path() + " is a drawn SVG").isTrue();
      assertThat(svg.contains("<script") || svg.contains("DOCTYPE")).as(c.path() + " script/DTD").isFalse();
    }
    ChartFile spec = result.charts().stream()
        .filter(c -> c.path().endsWith("/moe-a/spec-domain-layer0.svg")).findFirst().orElseThrow();
    assertThat(Files.readString(result.index().getParent().resolve(spec.path())))
        .contains("&lt;script&gt;w…/script&gt;")   // escaped, and cut to SvgCharts.MAX_LABEL
        .doesNotContain("<script");

    try (Chromium browser = Chromium.start(binary, tmp.resolve("profile"))) {
      browser.open(result.index().toUri().toString(), 1280, 900);
      Files.createDirectories(SCREENSHOT.getParent());
      Files.write(SCREENSHOT, browser.screenshot(null));
      Files.write(SCREENSHOT_PAGE, browser.screenshot(new double[] {0, 0, 1280,
          browser.eval("document.documentElement.scrollHeight").asDouble()}));

      JsonNode charts = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(browser.eval(CHARTS_JS).asText());
      assertThat(charts).hasSize(result.charts().size());
      for (JsonNode c : charts) {
        String src = c.get("src").asText();
        assertThat(c.get("complete").asBoolean()).as(src).isTrue();
        assertThat(c.get("nw").asInt()).as(src + " natural width").isEqualTo(SvgCharts.WIDTH);
        assertThat(c.get("nh").asInt()).as(src + " natural height").isEqualTo(SvgCharts.HEIGHT);
        assertThat(c.get("w").asDouble()).as(src + " shown width").isEqualTo(SvgCharts.WIDTH);
        assertThat(c.get("visible").asBoolean()).as(src).isTrue();
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(browser.screenshot(new double[] {
            c.get("x").asDouble(), c.get("y").asDouble(), c.get("w").asDouble(), c.get("h").asDouble()})));
        assertThat(inkFraction(shot)).as(src + " drawn pixels").isGreaterThan(0.02);
      }

      String text = browser.eval("document.body.innerText").asText();
      assertThat(text).contains("Expert 1 in layer 1 takes 61% of code tokens (610 of 1,000 tokens in"
          + " 20 documents), uniform 50%, 95% CI 57%–64%; routing vs. domain in layer 1: p = 0.001 (999"
          + " document-level label permutations over 60 documents");
      // uk has one document: its 94% share with a zero-width CI is not a finding, and says why
      assertThat(text).doesNotContain("of uk tokens").contains("Too little data for a finding about the"
          + " language uk (1 document, 40 tokens): a language needs at least 10 documents and 1,000 tokens");
      assertThat(text.indexOf("Findings")).isEqualTo(text.lastIndexOf("Findings"));
      // MoE vs dense in words on the first screen
      String verdict = browser.eval("document.querySelector('.verdict').innerText").asText();
      assertThat(verdict).startsWith("Run moe-a: at equal tokens (163,840 tokens, step 40) the validation CE"
          + " over 40 validation sequences is MoE ").contains("MoE is ahead by 0.1",
          "95% CI -0.1", "by bootstrap over 40 validation sequences",
          "MoE 5,000 tokens/s, dense 5,000 tokens/s", "At equal wall-clock time");
      assertThat(text).contains("Validation CE (nats) of each variant's final checkpoint by language");
      assertThat(browser.eval("document.querySelector('.verdict').getBoundingClientRect().bottom").asDouble())
          .as("the MoE vs dense verdict is on the first screen").isLessThan(900);
      assertThat(text).contains("Layer 0: routing shows no significant dependence on the domain; "
          + "routing vs. domain in layer 0: p = 0.410");
      assertThat(text).contains(TokenText.visible(ReportFixtures.XSS_TOKEN));
      assertThat(browser.eval("typeof window.__xss + ' ' + document.scripts.length").asText())
          .isEqualTo("undefined 0");
      assertThat(browser.errors()).isEmpty();

      // The error capture itself works: a page that logs an error is caught.
      browser.open("data:text/html,<script>console.error('probe')</script>", 400, 300);
      assertThat(browser.errors()).anyMatch(e -> e.contains("probe"));
    }
  }

  /** Fraction of pixels that are not near-white. */
  private static double inkFraction(BufferedImage img) {
    long ink = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        if (r + g + b < 3 * 235) {
          ink++;
        }
      }
    }
    return ink / (double) (img.getWidth() * img.getHeight());
  }
}
