package org.moespark.dist;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The collective algorithms, the same over every transport: each call is one or two pairwise
 * all-to-all-v exchanges (DESIGN §4). One thread at a time per group. Any failure aborts the whole
 * world (every group of the transport): after it nothing can be trusted, and peers learn at once.
 */
final class GroupCollective implements Collective {
  private final Transport transport;
  /** World rank of each group rank. */
  private final int[] world;
  private final int me;
  private final int id;
  private final boolean root;
  private int seq;
  private int children;
  /** Reused receive space of the reduce-scatter; the caller's arrays are never allocated here. */
  private ByteBuffer scratch;

  private GroupCollective(Transport transport, int[] world, int me, int id, boolean root) {
    this.transport = transport;
    this.world = world;
    this.me = me;
    this.id = id;
    this.root = root;
  }

  /** The group of all {@code size} ranks of {@code transport}, as rank {@code rank}. */
  static GroupCollective root(Transport transport, int rank, int size) {
    int[] all = new int[size];
    Arrays.setAll(all, i -> i);
    return new GroupCollective(transport, all, rank, 0, true);
  }

  @Override
  public int rank() {
    return me;
  }

  @Override
  public int size() {
    return world.length;
  }

  @Override
  public void allToAllV(INDArray send, long[] sendCounts, INDArray recv, long[] recvCounts) {
    guarded(() -> {
      DType dt = DType.of(send.dataType());
      if (recv.dataType() != send.dataType()) {
        throw new IllegalArgumentException("allToAllV sends " + send.dataType()
            + " but receives into " + recv.dataType());
      }
      if (sendCounts.length != size() || recvCounts.length != size()) {
        throw new IllegalArgumentException("allToAllV needs " + size() + " send and receive "
            + "counts, got " + sendCounts.length + " and " + recvCounts.length);
      }
      exchange(Call.ALL_TO_ALL_V, dt,
          Nio.blocks(Nio.bytes(send), sendCounts, dt, "send"),
          Nio.blocks(Nio.bytes(recv), recvCounts, dt, "receive"));
    });
  }

  @Override
  public void allReduceSum(INDArray data) {
    guarded(() -> reduce(DType.of(data.dataType()), Nio.bytes(data)));
  }

  @Override
  public void allReduceSum(double[] data) {
    guarded(() -> {
      ByteBuffer b = Nio.allocate(8L * data.length);
      b.asDoubleBuffer().put(data);
      reduce(DType.DOUBLE, b);
      b.asDoubleBuffer().get(data);
    });
  }

  @Override
  public void allReduceSum(long[] data) {
    guarded(() -> {
      ByteBuffer b = Nio.allocate(8L * data.length);
      b.asLongBuffer().put(data);
      reduce(DType.LONG, b);
      b.asLongBuffer().get(data);
    });
  }

  @Override
  public void allGather(INDArray mine, INDArray all) {
    guarded(() -> {
      DType dt = DType.of(mine.dataType());
      if (all.dataType() != mine.dataType() || all.length() != mine.length() * size()) {
        throw new IllegalArgumentException("allGather of " + mine.length() + " " + mine.dataType()
            + " over " + size() + " ranks needs " + mine.length() * size() + " "
            + mine.dataType() + ", got " + all.length() + " " + all.dataType());
      }
      gather(dt, Nio.bytes(mine), Nio.bytes(all));
    });
  }

  @Override
  public long[] allGather(long[] mine) {
    long[] all = new long[mine.length * size()];
    guarded(() -> {
      ByteBuffer m = Nio.allocate(8L * mine.length);
      m.asLongBuffer().put(mine);
      ByteBuffer a = Nio.allocate(8L * all.length);
      gather(DType.LONG, m, a);
      a.asLongBuffer().get(all);
    });
    return all;
  }

  @Override
  public void barrier() {
    guarded(() -> {
      ByteBuffer[] none = new ByteBuffer[size()];
      Arrays.fill(none, Nio.allocate(0));
      exchange(Call.BARRIER, DType.LONG, none, none.clone());
    });
  }

  @Override
  public Collective group(int[] ranks) {
    int pos = Arrays.binarySearch(ranks, me);
    for (int i = 0; i < ranks.length; i++) {
      if (ranks[i] < 0 || ranks[i] >= size() || (i > 0 && ranks[i] <= ranks[i - 1])) {
        throw new IllegalArgumentException("a sub-group needs ascending ranks of a group of "
            + size() + ", got " + Arrays.toString(ranks));
      }
    }
    if (pos < 0) {
      throw new IllegalArgumentException(
          "rank " + me + " is not in the sub-group " + Arrays.toString(ranks));
    }
    int[] members = Arrays.stream(ranks).map(r -> world[r]).toArray();
    // Every rank creates its parent's sub-groups in the same order, so (parent, ordinal, members)
    // names the same group on every member without talking.
    int childId = mix(id, ++children, Arrays.hashCode(members));
    return new GroupCollective(transport, members, pos, childId, false);
  }

  @Override
  public void close() {
    if (root) {
      transport.close();
    }
  }

  /** In place: the sum of every rank's {@code data}, in rank order, on every rank. */
  private void reduce(DType dt, ByteBuffer data) {
    int n = size();
    if (n == 1) {
      return;
    }
    long len = data.remaining() / dt.bytes;
    long[] counts = new long[n];
    for (int p = 0; p < n; p++) {
      counts[p] = len / n + (p < len % n ? 1 : 0);
    }
    ByteBuffer[] chunks = Nio.blocks(data, counts, dt, "reduce");
    // Reduce-scatter: rank p receives every rank's chunk p and alone sums it, so all ranks end
    // with the same bits after the all-gather.
    long mine = counts[me] * dt.bytes;
    ByteBuffer space = scratch(n * mine);
    long[] same = new long[n];
    Arrays.fill(same, counts[me]);
    ByteBuffer[] parts = Nio.blocks(space, same, dt, "reduce");
    exchange(Call.ALL_REDUCE_SUM, dt, chunks, parts);
    Sums.inOrder(dt, parts, chunks[me]);
    ByteBuffer[] out = new ByteBuffer[n];
    Arrays.fill(out, chunks[me]);
    ByteBuffer[] in = chunks.clone();
    in[me] = null;
    exchange(Call.ALL_REDUCE_SUM, dt, out, in);
  }

  private void gather(DType dt, ByteBuffer mine, ByteBuffer all) {
    ByteBuffer[] out = new ByteBuffer[size()];
    Arrays.fill(out, mine);
    long[] counts = new long[size()];
    Arrays.fill(counts, mine.remaining() / dt.bytes);
    exchange(Call.ALL_GATHER, dt, out, Nio.blocks(all, counts, dt, "allGather"));
  }

  /**
   * The primitive: block p of {@code sends} goes to group rank p, block p of {@code recvs} is
   * filled from rank p (null: already in place). Pairwise schedule: at step k send to r+k and
   * receive from r−k, so every step pairs each rank with exactly one sender and one receiver.
   */
  private void exchange(Call call, DType dt, ByteBuffer[] sends, ByteBuffer[] recvs) {
    CallSite site = new CallSite(call, seq++, id, world[me]);
    int n = size();
    if (recvs[me] != null) {
      if (recvs[me].remaining() != sends[me].remaining()) {
        throw new IllegalArgumentException("rank " + me + " sends itself "
            + sends[me].remaining() / dt.bytes + " elements but expects "
            + recvs[me].remaining() / dt.bytes + " (" + site + ")");
      }
      recvs[me].duplicate().put(sends[me].duplicate());
    }
    for (int k = 1; k < n; k++) {
      int to = (me + k) % n;
      int from = (me - k + n) % n;
      ByteBuffer out = sends[to];
      Header h = new Header(transport.attempt(), id, site.seq(), world[me], call, dt,
          out.remaining() / dt.bytes);
      Transport.Sending sending = transport.send(world[to], h, out);
      receive(from, dt, recvs[from], site);
      sending.await(site);
    }
  }

  private void receive(int from, DType dt, ByteBuffer into, CallSite site) {
    int src = world[from];
    Message m = transport.inbox().take(src, id, site.seq(), site);
    try {
      Header h = m.header;
      long expected = into.remaining() / dt.bytes;
      if (h.attempt() != transport.attempt()) {
        throw new CollectiveException("rank " + src + " sent a message of attempt " + h.attempt()
            + " to attempt " + transport.attempt() + " (" + site + ")");
      }
      if (h.call() != site.call() || h.dtype() != dt) {
        throw new CollectiveException("rank " + src + " is in " + h.call().text + " of "
            + h.dtype() + " but rank " + world[me] + " in " + site.call().text + " of " + dt
            + " (" + site + "): the ranks called different collectives");
      }
      if (h.count() != expected) {
        throw new CollectiveException("rank " + world[me] + " expected " + expected + " " + dt
            + " elements from rank " + src + " but rank " + src + " sent " + h.count()
            + " (" + site + ")");
      }
      m.copyTo(into);
    } finally {
      m.release();
    }
  }

  private ByteBuffer scratch(long bytes) {
    if (scratch == null || scratch.capacity() < bytes) {
      scratch = Nio.allocate(bytes);
    }
    return Nio.slice(scratch, 0, bytes);
  }

  private void guarded(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      transport.abort("rank " + world[me] + " failed: " + e.getMessage());
      throw e;
    }
  }

  /** SplitMix64's finaliser: distinct inputs give ids that collide with odds of 2^-32. */
  private static int mix(int parent, int ordinal, int members) {
    long z = ((long) parent << 32 | (ordinal & 0xffffffffL)) * 31 + members + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (int) (z ^ (z >>> 31));
  }
}
