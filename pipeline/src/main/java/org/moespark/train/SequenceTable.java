package org.moespark.train;

import static org.apache.spark.sql.functions.col;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.moespark.model.ModelConfig;
import org.moespark.spark.Tables;

/**
 * One split of a run's {@code sequences/} as the engines read it: its size, and just the rows
 * with given seq_index values (seq_index is dense, 0..size−1, per split), checked against the model.
 */
public final class SequenceTable implements TrainingData {
  private final SparkSession spark;
  private final String out;
  private final String runId;
  private final String split;
  private final ModelConfig model;
  private final long size;

  public SequenceTable(SparkSession spark, String out, String runId, String split, ModelConfig model) {
    this.spark = spark;
    this.out = out;
    this.runId = runId;
    this.split = split;
    this.model = model;
    this.size = rows().count();
  }

  /** The split's rows (lazy: nothing is read until an action). */
  public Dataset<Row> rows() {
    return Tables.read(spark, out, "sequences", runId).where(col("split").equalTo(split));
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int[][] read(long[] seqIndices) {
    Object[] wanted = java.util.Arrays.stream(seqIndices).boxed().distinct().toArray();
    Map<Long, int[]> byIndex = new HashMap<>();
    for (Row r : rows().where(col("seq_index").isin(wanted)).select("seq_index", "tokens").collectAsList()) {
      byIndex.put(r.getLong(0), checked(tokens(r.getList(1)), model));
    }
    int[][] out = new int[seqIndices.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = byIndex.get(seqIndices[i]);
      if (out[i] == null) {
        throw new IllegalStateException("sequences/ of run " + runId + " has no " + split
            + " sequence with seq_index " + seqIndices[i] + " (size " + size + "): rerun tokenize");
      }
    }
    return out;
  }

  /** The rows of the first {@code n} sequences with their labels (the fixed validation set). */
  public List<Row> head(int n) {
    return rows().where(col("seq_index").lt(n)).select("seq_index", "tokens", "segments").collectAsList();
  }

  public static int[] tokens(List<Integer> ids) {
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The row itself, after checking it fits the model (length and vocabulary). */
  public static int[] checked(int[] seq, ModelConfig model) {
    if (seq.length != model.seqLen() + 1) {
      throw new IllegalArgumentException("sequences/ hold " + seq.length
          + " tokens per sequence but model.seq-len + 1 = " + (model.seqLen() + 1)
          + "; rerun tokenize with tokenizer.seq-len = " + model.seqLen());
    }
    for (int id : seq) {
      if (id >= model.vocabSize()) {
        throw new IllegalArgumentException("sequences/ hold token id " + id
            + " >= model.vocab-size = " + model.vocabSize() + "; set model.vocab-size to the tokenizer's");
      }
    }
    return seq;
  }
}
