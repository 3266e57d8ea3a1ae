package org.moespark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void escapesEveryCharacterThatEndsTextOrAnAttribute() {
    assertThat(Html.esc("<a href='x' title=\"y\">&</a>"))
        .isEqualTo("&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;&lt;/a&gt;");
  }

  @Test
  void formatsSharesAndPValuesForReaders() {
    assertThat(Html.pct(0.6149)).isEqualTo("61%");
    assertThat(Html.pct(0.045)).isEqualTo("4.5%");
    assertThat(Html.pValue(0.0004)).isEqualTo("p < 0.001");
    assertThat(Html.pValue(0.0234)).isEqualTo("p = 0.023");
  }

  @Test
  void layersSortByNumber() {
    TreeSet<String> layers = new TreeSet<>(RunSection.LAYER_ORDER);
    layers.addAll(List.of("layer 10", "layer 2", "layer 0", "val / layer 1"));
    assertThat(layers).containsExactly("layer 0", "val / layer 1", "layer 2", "layer 10");
  }
}
