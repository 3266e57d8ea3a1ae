package org.moespark.model;

import java.util.ArrayList;
import java.util.List;
import org.moespark.config.PipelineConfig;

/** Small validated model configs for tests: the defaults plus {@code key=value} overrides. */
public final class ModelConfigs {
  private ModelConfigs() {}

  public static ModelConfig of(String... overrides) {
    List<String> all = new ArrayList<>();
    for (String o : overrides) {
      all.add("model." + o);
    }
    return PipelineConfig.load(null, all).model();
  }
}
