package org.moespark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class SessionsTest {
  @Test
  void executorsDefaultToTheVectorOptionsThePomGivesTheTests() {
    // surefire's argLine carries the pom's vector.options: Sessions' copy for the executors must match it
    assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments())
        .containsSubsequence(Sessions.VECTOR_OPTIONS.split(" "));
  }
}
