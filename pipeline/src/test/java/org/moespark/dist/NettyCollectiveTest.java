package org.moespark.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.moespark.dist.RankThreads.Outcome;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The contract over loopback TCP, ranks as threads; plus what only a network can do wrong. */
class NettyCollectiveTest extends CollectiveContract {
  @Override
  List<Collective> world(int n, CollectiveOptions options) throws Exception {
    return connect(n, r -> 7, options);
  }

  static List<Collective> connect(int n, java.util.function.IntUnaryOperator attempt,
      CollectiveOptions options) throws Exception {
    List<NettyTransport> ts = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      ts.add(NettyTransport.bind("127.0.0.1"));
      addresses.add("127.0.0.1:" + ts.get(r).port());
    }
    return RankThreads.all(n,
        r -> ts.get(r).connect(r, addresses, attempt.applyAsInt(r), options));
  }

  @Test
  void aTaskOfAnotherAttemptIsRefusedAndTheRightPeerStillJoins() throws Exception {
    NettyTransport a = NettyTransport.bind("127.0.0.1");
    NettyTransport b = NettyTransport.bind("127.0.0.1");
    NettyTransport stale = NettyTransport.bind("127.0.0.1");
    String addressA = "127.0.0.1:" + a.port();
    CollectiveOptions options = CollectiveOptions.of(Duration.ofSeconds(5));
    // A rank 1 of attempt 1, still running, dials rank 0 of the retried attempt 2 first.
    long start = System.nanoTime();
    Thread staleTask = new Thread(() -> assertThatThrownBy(() -> stale.connect(1,
        List.of(addressA, "127.0.0.1:" + stale.port()), 1, options))
        .isInstanceOf(CollectiveException.class)
        .hasMessageContaining("refused the connection")
        .hasMessageContaining("rank 1 of attempt 1 cannot join attempt 2"));
    staleTask.start();
    sleep(300);
    List<String> world = List.of(addressA, "127.0.0.1:" + b.port());
    List<Collective> cs = RankThreads.all(2, r -> (r == 0 ? a : b).connect(r, world, 2, options));
    try {
      staleTask.join();
      assertThat(elapsed(start)).isLessThan(Duration.ofSeconds(4));
      List<double[]> sums = RankThreads.all(2, r -> {
        double[] x = {r + 1};
        cs.get(r).allReduceSum(x);
        return x;
      });
      assertThat(sums).allSatisfy(x -> assertThat(x).containsExactly(3));
    } finally {
      closeAll(cs);
      stale.close();
    }
  }

  @Test
  void aPeerClosingMidCallFailsTheOthersAtOnce() throws Exception {
    List<Collective> cs = world(3);
    try {
      long start = System.nanoTime();
      List<Outcome<Object>> out = RankThreads.outcomes(3, r -> {
        if (r == 2) {
          sleep(200);
          cs.get(r).close();
        } else {
          cs.get(r).allReduceSum(new double[] {1, 2, 3, 4});
        }
        return null;
      });
      assertThat(elapsed(start)).isLessThan(Duration.ofSeconds(5));
      for (int r = 0; r < 2; r++) {
        assertThat(out.get(r).error()).isInstanceOf(CollectiveException.class)
            .hasMessageMatching(".*peer rank 2 \\(127\\.0\\.0\\.1:\\d+\\) closed the connection.*");
      }
    } finally {
      closeAll(cs);
    }
  }

  @Test
  void sixtyFourMegabyteVectorsAreReduced() throws Exception {
    int len = 16 << 20;
    List<Collective> cs = world(2);
    try {
      List<float[]> got = RankThreads.all(2, r -> {
        INDArray v = Nd4j.create(DataType.FLOAT, len);
        FloatBuffer b = v.data().asNioFloat();
        for (int i = 0; i < len; i++) {
          b.put(i, i % 1000 + r);
        }
        cs.get(r).allReduceSum(v);
        return new float[] {v.getFloat(0L), v.getFloat(len / 2L), v.getFloat(len - 1L)};
      });
      for (float[] g : got) {
        // 2 * (i % 1000) + 1: exact in float for every i.
        assertThat(g).containsExactly(1f, 2 * ((len / 2) % 1000) + 1f, 2 * ((len - 1) % 1000) + 1f);
      }
    } finally {
      closeAll(cs);
    }
  }

  @Test
  void closeStopsEveryThreadPromptly() throws Exception {
    List<Collective> cs = world(2);
    RankThreads.all(2, r -> {
      cs.get(r).barrier();
      return null;
    });
    long start = System.nanoTime();
    closeAll(cs);
    assertThat(elapsed(start)).isLessThan(Duration.ofSeconds(3));
    sleep(100);
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.getName().startsWith("moe-collective") && t.isAlive())
        .allSatisfy(t -> assertThat(t.isDaemon()).isTrue())
        .isEmpty();
  }
}
