package org.moespark.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.moespark.config.InvalidConfigException;
import org.moespark.config.PipelineConfig;

class TokenizerConfigTest {
  @Test
  void defaultsCapTrainingTextPerLanguage() {
    TokenizerConfig c = PipelineConfig.defaults().tokenizer();
    assertThat(c.trainMaxBytesPerLang()).isEqualTo(512 * 1024);
    assertThat(PipelineConfig.load(null, List.of("tokenizer.train-max-bytes-per-lang=0"))
        .tokenizer().trainMaxBytesPerLang()).isZero();
  }

  @Test
  void negativeCapIsRejectedWithItsKey() {
    assertThatThrownBy(() -> PipelineConfig.load(null, List.of("tokenizer.train-max-bytes-per-lang=-1")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("train-max-bytes-per-lang");
    assertThatThrownBy(() -> new TokenizerConfig(2048, 0.05, 128, -1))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("tokenizer.train-max-bytes-per-lang");
  }
}
