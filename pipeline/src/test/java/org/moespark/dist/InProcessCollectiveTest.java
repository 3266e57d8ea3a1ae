package org.moespark.dist;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InProcessCollectiveTest extends CollectiveContract {
  @Override
  List<Collective> world(int n, CollectiveOptions options) {
    return InProcessCollective.create(n, options);
  }

  @Test
  void optionsNeedAPositiveTimeout() {
    assertThatThrownBy(() -> CollectiveOptions.of(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
  }
}
