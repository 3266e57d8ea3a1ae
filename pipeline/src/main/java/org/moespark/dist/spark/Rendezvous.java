package org.moespark.dist.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.moespark.dist.Collective;
import org.moespark.dist.CollectiveOptions;
import org.moespark.dist.NettyTransport;

/**
 * Connects the tasks of a barrier stage: each opens a server on an ephemeral port and publishes
 * {@code host:port:attempt} through {@link BarrierTaskContext#allGather} (no driver-side tracker,
 * so a retried stage simply publishes new addresses). A table mixing stage attempts is refused.
 */
final class Rendezvous {
  private Rendezvous() {}

  static Collective connect(BarrierTaskContext ctx, java.time.Duration timeout) {
    String host = SparkEnv.get().blockManager().blockManagerId().host();
    int attempt = ctx.stageAttemptNumber();
    NettyTransport transport = NettyTransport.bind(host);
    try {
      String[] table = ctx.allGather(host + ":" + transport.port() + ":" + attempt);
      List<String> addresses = new ArrayList<>();
      for (String entry : table) {
        int cut = entry.lastIndexOf(':');
        int theirs = Integer.parseInt(entry.substring(cut + 1));
        if (theirs != attempt) {
          throw new IllegalStateException("barrier rendezvous mixes stage attempts: " + entry
              + " answered attempt " + theirs + ", this task runs attempt " + attempt);
        }
        addresses.add(entry.substring(0, cut));
      }
      return transport.connect(ctx.partitionId(), addresses, attempt,
          new CollectiveOptions(timeout, ctx::isInterrupted));
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
  }
}
