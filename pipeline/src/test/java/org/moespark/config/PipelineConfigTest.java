package org.moespark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PipelineConfigTest {
  @TempDir Path dir;

  static Stream<Arguments> impossibleValues() {
    return Stream.of(
        Arguments.of(List.of("model.top-k=9"), "model.top-k = 9", "[1, 8]"),
        Arguments.of(List.of("model.capacity-factor=-0.5"), "model.capacity-factor = -0.5", ">= 0"),
        Arguments.of(List.of("model.d-model=100", "model.heads=3"), "model.d-model = 100", "divisible by model.heads (3)"),
        Arguments.of(List.of("train.workers=3", "train.expert-parallel=3", "train.batch-size=9"), "model.experts = 8", "divisible by train.expert-parallel (3)"),
        Arguments.of(List.of("train.workers=3"), "train.batch-size = 8", "the global batch and must be divisible by train.workers (3)"),
        Arguments.of(List.of("model.expertz=8"), "model.expertz = 8", "unknown key (did you mean model.experts?)"),
        Arguments.of(List.of("model.router=relu"), "model.router = relu", "softmax|sigmoid"),
        Arguments.of(List.of("tokenizer.vocab-size=100"), "tokenizer.vocab-size = 100", ">= 258"),
        Arguments.of(List.of("model.experts=eight"), "model.experts = eight",
            "must be a number, e.g. --set model.experts=8 (the default)"),
        Arguments.of(List.of("model.tie-embeddings=maybe"), "model.tie-embeddings = maybe",
            "must be true or false"),
        Arguments.of(List.of("tokenizer.seq-len=1"), "tokenizer.seq-len = 1", "must be >= 8"),
        Arguments.of(List.of("noequals"), "--set = noequals", "key=value"));
  }

  @ParameterizedTest
  @MethodSource("impossibleValues")
  void anImpossibleValueNamesKeyValueAndWhatIsAllowed(
      List<String> sets, String keyAndValue, String allowed) {
    assertThatThrownBy(() -> PipelineConfig.load(null, sets))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(keyAndValue)
        .hasMessageContaining(allowed);
  }

  @Test
  void presetThenOverridesLaterWins() throws Exception {
    Path preset = dir.resolve("p.conf");
    Files.writeString(preset, "model { experts = 16, top-k = 4 }\ntokenizer.vocab-size = 4096\n");
    PipelineConfig c = PipelineConfig.load(preset, List.of("model.top-k=1", "model.top-k=2"));
    assertThat(c.model().experts()).isEqualTo(16);
    assertThat(c.model().topK()).isEqualTo(2);
    // model.vocab-size follows tokenizer.vocab-size unless set
    assertThat(c.model().vocabSize()).isEqualTo(4096);
    assertThat(c.render()).contains("\"experts\" : 16");
  }

  @Test
  void everyShippedPresetIsValid() throws Exception {
    Path conf = Path.of("..", "conf");
    try (Stream<Path> files = Files.list(conf)) {
      List<Path> presets = files.filter(p -> p.toString().endsWith(".conf")).toList();
      assertThat(presets).isNotEmpty();
      for (Path p : presets) {
        assertThat(PipelineConfig.load(p, List.of())).as(p.toString()).isNotNull();
      }
    }
  }

  @Test
  void aMissingPresetFileIsNamed() {
    assertThatThrownBy(() -> PipelineConfig.load(dir.resolve("nope.conf"), List.of()))
        .hasMessageContaining("nope.conf").hasMessageContaining("no such file");
  }

  @Test
  void givenListsOnlyTheKeysTheUserSetWithTheirEffectiveValues() {
    java.util.Map<String, String> given = PipelineConfig.given(null,
        java.util.List.of("model.experts=32", "model.top-k=4", "model.experts=16"));
    org.assertj.core.api.Assertions.assertThat(given)
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("model.experts", "16", "model.top-k", "4"));
  }
}
