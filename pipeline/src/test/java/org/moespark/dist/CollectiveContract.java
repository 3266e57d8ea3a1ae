package org.moespark.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.moespark.dist.RankThreads.Outcome;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The behaviour every transport must show; subclasses say how a world of n ranks is made. Ranks
 * run as threads of this JVM.
 */
abstract class CollectiveContract {
  static final Duration LONG = Duration.ofSeconds(20);

  /** n connected collectives, index = rank. */
  abstract List<Collective> world(int n, CollectiveOptions options) throws Exception;

  List<Collective> world(int n) throws Exception {
    return world(n, CollectiveOptions.of(LONG));
  }

  static void closeAll(List<Collective> cs) {
    cs.forEach(Collective::close);
  }

  /** Elements rank r sends rank p: uneven, and zero for some pairs. */
  static long count(int r, int p) {
    return (r + 2L * p + 1) % 3;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4})
  void allToAllVDeliversUnevenAndZeroBlocksIntoViews(int n) throws Exception {
    List<Collective> cs = world(n);
    try {
      List<float[]> got = RankThreads.all(n, r -> {
        long[] sendCounts = new long[n];
        long[] recvCounts = new long[n];
        for (int p = 0; p < n; p++) {
          sendCounts[p] = count(r, p);
          recvCounts[p] = count(p, r);
        }
        float[] send = new float[(int) java.util.Arrays.stream(sendCounts).sum()];
        int at = 0;
        for (int p = 0; p < n; p++) {
          for (int i = 0; i < sendCounts[p]; i++) {
            send[at++] = 100 * r + 10 * p + i;
          }
        }
        // Views at an offset into larger buffers, as the gradient buffer will be.
        INDArray sendBuf = Nd4j.zeros(DataType.FLOAT, send.length + 9);
        INDArray sendView = sendBuf.get(NDArrayIndex.interval(5, 5 + send.length));
        if (send.length > 0) {
          sendView.assign(Nd4j.createFromArray(send));
        }
        int recvLen = (int) java.util.Arrays.stream(recvCounts).sum();
        INDArray recvBuf = Nd4j.valueArrayOf(new long[] {recvLen + 7}, -1f);
        INDArray recvView = recvBuf.get(NDArrayIndex.interval(3, 3 + recvLen));
        cs.get(r).allToAllV(sendView, sendCounts, recvView, recvCounts);
        return recvBuf.toFloatVector();
      });
      for (int r = 0; r < n; r++) {
        List<Float> expected = new ArrayList<>(List.of(-1f, -1f, -1f));
        for (int p = 0; p < n; p++) {
          for (int i = 0; i < count(p, r); i++) {
            expected.add(100f * p + 10 * r + i);
          }
        }
        expected.addAll(List.of(-1f, -1f, -1f, -1f));
        assertThat(got.get(r)).as("rank %d", r).containsExactly(unbox(expected));
      }
    } finally {
      closeAll(cs);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4})
  void allReduceSumIsTheRankOrderSumWithTheSameBitsOnEveryRankAndRun(int n) throws Exception {
    for (int len : new int[] {1001, 2, 0}) {
      float[][] inputs = new float[n][len];
      Random rnd = new Random(len + n);
      for (float[] in : inputs) {
        for (int i = 0; i < len; i++) {
          // Wide magnitudes, so a different summation order would change the bits.
          in[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(8)));
        }
      }
      float[] serial = new float[len];
      for (int i = 0; i < len; i++) {
        float s = inputs[0][i];
        for (int r = 1; r < n; r++) {
          s += inputs[r][i];
        }
        serial[i] = s;
      }
      for (int run = 0; run < 2; run++) {
        List<Collective> cs = world(n);
        try {
          List<float[]> got = RankThreads.all(n, r -> {
            INDArray buf = Nd4j.zeros(DataType.FLOAT, len + 4);
            INDArray view = buf.get(NDArrayIndex.interval(2, 2 + len));
            if (len > 0) {
              view.assign(Nd4j.createFromArray(inputs[r]));
            }
            cs.get(r).allReduceSum(view);
            assertThat(buf.getFloat(0L) + buf.getFloat(1L) + buf.getFloat(len + 2L)
                + buf.getFloat(len + 3L)).as("outside the view").isZero();
            return len == 0 ? new float[0] : view.toFloatVector();
          });
          for (int r = 0; r < n; r++) {
            assertThat(bits(got.get(r))).as("rank %d, len %d, run %d", r, len, run)
                .containsExactly(bits(serial));
          }
        } finally {
          closeAll(cs);
        }
      }
    }
  }

  @Test
  void hostVectorsAndGathersAndBarrier() throws Exception {
    int n = 3;
    List<Collective> cs = world(n);
    try {
      List<Object[]> got = RankThreads.all(n, r -> {
        Collective c = cs.get(r);
        double[] d = {r, 0.5 * r, 1e300};
        c.allReduceSum(d);
        long[] l = {r, Long.MAX_VALUE / 4};
        c.allReduceSum(l);
        long[] gathered = c.allGather(new long[] {r, 10L * r});
        INDArray all = Nd4j.zeros(DataType.DOUBLE, 2 * n);
        c.allGather(Nd4j.createFromArray(r + 0.25, -r), all);
        c.barrier();
        return new Object[] {d, l, gathered, all.toDoubleVector()};
      });
      for (Object[] g : got) {
        assertThat((double[]) g[0]).containsExactly(3, 1.5, 3e300);
        assertThat((long[]) g[1]).containsExactly(3, 3 * (Long.MAX_VALUE / 4));
        assertThat((long[]) g[2]).containsExactly(0, 0, 1, 10, 2, 20);
        assertThat((double[]) g[3]).containsExactly(0.25, 0, 1.25, -1, 2.25, -2);
      }
    } finally {
      closeAll(cs);
    }
  }

  @Test
  void subGroupsKeepTheirMessagesApartWhateverOrderTheyAreUsedIn() throws Exception {
    List<Collective> cs = world(4);
    try {
      List<double[]> got = RankThreads.all(4, r -> {
        Collective c = cs.get(r);
        // Created in the same order everywhere: pairs {0,1},{2,3}, then {0,2},{1,3}.
        Collective near = c.group(r < 2 ? new int[] {0, 1} : new int[] {2, 3});
        Collective far = c.group(r % 2 == 0 ? new int[] {0, 2} : new int[] {1, 3});
        assertThat(near.rank()).isEqualTo(r % 2);
        assertThat(far.rank()).isEqualTo(r / 2);
        double[] a = {r + 1};
        double[] b = {r + 1};
        // Half the ranks use the groups in the other order: messages arrive early and interleaved.
        for (int i = 0; i < 3; i++) {
          if (r < 2) {
            near.allReduceSum(a);
            far.allReduceSum(b);
          } else {
            far.allReduceSum(b);
            near.allReduceSum(a);
          }
        }
        double[] all = {r + 1};
        c.allReduceSum(all);
        return new double[] {a[0], b[0], all[0]};
      });
      // Three sums over two ranks of equal values double them twice: x, 2x, 4x.
      assertThat(got.get(0)).containsExactly(3 * 4, 4 * 4, 10);
      assertThat(got.get(1)).containsExactly(3 * 4, 6 * 4, 10);
      assertThat(got.get(2)).containsExactly(7 * 4, 4 * 4, 10);
      assertThat(got.get(3)).containsExactly(7 * 4, 6 * 4, 10);
    } finally {
      closeAll(cs);
    }
  }

  @Test
  void mismatchedCountsFailAtOnceNamingBothCounts() throws Exception {
    List<Collective> cs = world(2);
    try {
      long start = System.nanoTime();
      List<Outcome<Object>> out = RankThreads.outcomes(2, r -> {
        INDArray send = Nd4j.zeros(DataType.FLOAT, 8);
        INDArray recv = Nd4j.zeros(DataType.FLOAT, 8);
        // Rank 0 sends 3 to rank 1, which expects 4 (DeepSpeed #6809 hung here).
        long[] sc = r == 0 ? new long[] {1, 3} : new long[] {2, 1};
        long[] rc = r == 0 ? new long[] {1, 2} : new long[] {4, 1};
        cs.get(r).allToAllV(send, sc, recv, rc);
        return null;
      });
      assertThat(elapsed(start)).isLessThan(Duration.ofSeconds(5));
      assertThat(out.get(1).error()).isInstanceOf(CollectiveException.class)
          .hasMessageContaining("rank 1 expected 4 FLOAT elements from rank 0 but rank 0 sent 3")
          .hasMessageContaining("allToAllV #0 of group 0");
    } finally {
      closeAll(cs);
    }
  }

  @Test
  void differentCallsOnTwoRanksFailClearly() throws Exception {
    List<Collective> cs = world(2);
    try {
      List<Outcome<Object>> out = RankThreads.outcomes(2, r -> {
        if (r == 0) {
          cs.get(r).barrier();
        } else {
          cs.get(r).allReduceSum(new double[] {1});
        }
        return null;
      });
      assertThat(out).allSatisfy(o -> assertThat(o.error())
          .isInstanceOf(CollectiveException.class).hasMessageContaining("different collectives"));
    } finally {
      closeAll(cs);
    }
  }

  @Test
  void aPeerThatNeverCallsFailsTheOthersAtTheDeadline() throws Exception {
    List<Collective> cs = world(3, CollectiveOptions.of(Duration.ofMillis(500)));
    try {
      long start = System.nanoTime();
      List<Outcome<Object>> out = RankThreads.outcomes(2, r -> {
        cs.get(r).allReduceSum(new double[] {1, 2, 3});
        return null;
      });
      assertThat(elapsed(start)).isLessThan(Duration.ofSeconds(5));
      assertThat(out).allSatisfy(o -> assertThat(o.error())
          .isInstanceOf(CollectiveException.class)
          .hasMessageContaining("no message from rank 2 within 0.5s"));
    } finally {
      closeAll(cs);
    }
  }

  @Test
  void cancellationEndsAWaitPromptly() throws Exception {
    AtomicLong cancelledAt = new AtomicLong();
    BooleanSupplier flag = () -> cancelledAt.get() != 0;
    List<Collective> cs = world(2, new CollectiveOptions(LONG, flag));
    try {
      RankThreads.all(2, r -> {
        cs.get(r).barrier();
        return null;
      });
      // Now rank 0 waits alone.
      Thread canceller = new Thread(() -> {
        sleep(300);
        cancelledAt.set(System.nanoTime());
      });
      canceller.start();
      assertThatThrownBy(() -> cs.get(0).barrier())
          .isInstanceOf(CollectiveException.class).hasMessageStartingWith("cancelled")
          .hasMessageContaining("rank 1");
      assertThat(elapsed(cancelledAt.get())).isLessThan(Duration.ofSeconds(1));
      canceller.join();
    } finally {
      closeAll(cs);
    }
  }

  @Test
  void aRankThatFailsEndsItsPeersWaitsAtOnce() throws Exception {
    List<Collective> cs = world(2);
    try {
      long start = System.nanoTime();
      List<Outcome<Object>> out = RankThreads.outcomes(2, r -> {
        INDArray mine = Nd4j.zeros(DataType.FLOAT, 4);
        if (r == 0) {
          sleep(200);
          // A programming error on rank 0: rank 1 must not wait out its 20 s deadline.
          cs.get(r).allGather(mine, Nd4j.zeros(DataType.FLOAT, 5));
        } else {
          cs.get(r).allGather(mine, Nd4j.zeros(DataType.FLOAT, 8));
        }
        return null;
      });
      assertThat(elapsed(start)).isLessThan(Duration.ofSeconds(5));
      assertThat(out.get(0).error()).isInstanceOf(IllegalArgumentException.class);
      assertThat(out.get(1).error()).isInstanceOf(CollectiveException.class)
          .hasMessageContaining("rank 0 failed: allGather of 4 FLOAT over 2 ranks needs 8");
    } finally {
      closeAll(cs);
    }
  }

  static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static float[] unbox(List<Float> xs) {
    float[] out = new float[xs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = xs.get(i);
    }
    return out;
  }

  private static int[] bits(float[] xs) {
    int[] out = new int[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = Float.floatToRawIntBits(xs[i]);
    }
    return out;
  }
}
