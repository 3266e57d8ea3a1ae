package org.moespark.routing;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.moespark.config.PipelineConfig;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeTransformer;
import org.moespark.model.ParamBuffer;
import org.moespark.spark.Tables;
import org.moespark.tokenizer.Sequences;
import org.moespark.train.CheckpointManifest;
import org.moespark.train.CheckpointStore;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route stage: runs a checkpoint over a labelled split of {@code sequences/} on the executors
 * (mapPartitions; the parameters are loaded once per executor JVM and shared by its tasks) and
 * writes one {@code routing/} row per (token, MoE layer, choice).
 */
public final class RouteStage {
  private static final Logger LOG = LoggerFactory.getLogger(RouteStage.class);
  /** Parameters per checkpoint directory, loaded once per JVM; read-only during inference. */
  private static final Map<String, ParamBuffer> LOADED = new ConcurrentHashMap<>();

  /** What a route run wrote. */
  public record Result(long step, long rows, long bytesOnDisk, double seconds) {
    public double bytesPerRow() {
      return rows == 0 ? 0 : (double) bytesOnDisk / rows;
    }
  }

  private RouteStage() {}

  /**
   * @param checkpointRoot a checkpoint root (…/checkpoints/run_id=R/variant=moe); its newest
   *     complete checkpoint is used, or {@code step} when not null
   * @param capacityFactor null: dropless inference; else route with this capacity factor
   */
  public static Result run(SparkSession spark, String out, String runId, String checkpointRoot,
      Long step, String split, Double capacityFactor, int batchSize) {
    long t0 = System.nanoTime();
    CheckpointStore store = new CheckpointStore(checkpointRoot, Integer.MAX_VALUE,
        spark.sparkContext().hadoopConfiguration());
    CheckpointManifest m = step == null
        ? store.latest().orElseThrow(() -> new IllegalArgumentException(
            "no complete checkpoint under " + checkpointRoot + "; train the run first"))
        : store.manifest(step);
    ModelConfig model = modelConfig(m.config(), capacityFactor);
    if (model.dense()) {
      throw new IllegalArgumentException("checkpoint " + checkpointRoot + " is a dense model: it has no routing");
    }
    HashMap<String, String> config = new HashMap<>(m.config());
    long ckptStep = m.step();
    Double cf = capacityFactor;
    spark.sparkContext().setJobDescription("moe-spark route: checkpoint step " + ckptStep
        + " over the " + split + " split of run " + runId);
    Dataset<Row> sequences = Tables.read(spark, out, "sequences", runId).where(col("split").equalTo(split))
        .select("seq_index", "tokens", "segments");
    Dataset<Row> rows = sequences.mapPartitions((MapPartitionsFunction<Row, Row>) it ->
        route(it, checkpointRoot, ckptStep, config, cf, split, batchSize), RoutingTable.encoder());
    RoutingTable.write(rows, out, runId);
    long count = RoutingTable.read(spark, out, runId).where(col("split").equalTo(split)).count();
    long bytes = RoutingTable.bytesOnDisk(spark, out, runId, split);
    Result r = new Result(ckptStep, count, bytes, (System.nanoTime() - t0) / 1e9);
    LOG.info(String.format("route run %s: checkpoint step %d, split %s: %,d rows, %,d bytes on disk, "
        + "%.2f bytes/row, %.0f s", runId, ckptStep, split, count, bytes,
        r.bytesPerRow(), r.seconds()));
    return r;
  }

  /** The checkpoint's model (from its manifest's flattened config), with the routing capacity. */
  private static ModelConfig modelConfig(Map<String, String> config, Double capacityFactor) {
    return PipelineConfig.fromFlat(config).model()
        .withCapacityFactor(capacityFactor == null ? 0.0 : capacityFactor);
  }

  /** Executor side: one partition of sequences → its routing rows, batch by batch. */
  private static Iterator<Row> route(Iterator<Row> it, String root, long step,
      Map<String, String> config, Double cf, String split, int batchSize) {
    Sequences seqs = Sequences.of(it);
    if (seqs.size() == 0) {
      return List.<Row>of().iterator();
    }
    ModelConfig model = modelConfig(config, cf);
    // The manifest and tensors are read only by the first task of each executor JVM.
    ParamBuffer pb = LOADED.computeIfAbsent(root + "@" + step, k -> {
      CheckpointStore store = new CheckpointStore(root, Integer.MAX_VALUE, new Configuration());
      ParamBuffer p = MoeTransformer.layout(model).allocate(DataType.FLOAT);
      store.load(store.manifest(step), p, Map.of());
      return p;
    });
    MoeTransformer net = new MoeTransformer(model, pb, 0);
    return new Iterator<>() {
      private int next;
      private Iterator<Row> batch = List.<Row>of().iterator();

      @Override
      public boolean hasNext() {
        while (!batch.hasNext() && next < seqs.size()) {
          batch = routeBatch();
        }
        return batch.hasNext();
      }

      @Override
      public Row next() {
        hasNext();
        return batch.next();
      }

      private Iterator<Row> routeBatch() {
        int count = Math.min(batchSize, seqs.size() - next);
        int[][] tokens = new int[count][];
        Sequences.TokenLabels[] labels = new Sequences.TokenLabels[count];
        for (int b = 0; b < count; b++) {
          tokens[b] = seqs.tokens(next + b);
          labels[b] = seqs.labels(next + b);
        }
        next += count;
        net.forward(tokens, false);
        List<Row> rows = new ArrayList<>();
        RoutingRows.add(rows, step, split, tokens, labels, net);
        return rows.iterator();
      }
    };
  }
}
