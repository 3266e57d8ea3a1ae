package org.moespark.train;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrainEngineTest {
  /** pipeline's own classpath has no dl4j module: the lookup names the value and the fix. */
  @Test
  void anEngineWhoseModuleIsMissingFailsInOneLine() {
    assertThatThrownBy(() -> TrainEngine.named(TrainConfig.Engine.DL4J))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("train.engine = dl4j is not on the classpath")
        .hasMessageContaining("moe-spark-dl4j")
        .hasMessageNotContaining("\n");
  }
}
