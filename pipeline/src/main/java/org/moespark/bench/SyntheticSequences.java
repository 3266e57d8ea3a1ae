package org.moespark.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.moespark.spark.Tables;

/**
 * A {@code sequences/} table without a corpus: sequences where token t+1 = (a·t + 7) mod V for a
 * per-sequence a (learnable), one document per sequence labelled en/de alternately. For the train
 * benchmark and the engine tests.
 */
public final class SyntheticSequences {
  private SyntheticSequences() {}

  public static void write(SparkSession spark, String out, String runId, int train, int validation,
      int seqLen, int vocab) {
    List<Row> rows = new ArrayList<>();
    Random r = new Random(1);
    for (String split : List.of("train", "validation")) {
      for (int i = 0; i < (split.equals("train") ? train : validation); i++) {
        Integer[] t = new Integer[seqLen + 1];
        int a = 1 + r.nextInt(3);
        t[0] = r.nextInt(vocab);
        for (int p = 1; p <= seqLen; p++) {
          t[p] = (a * t[p - 1] + 7) % vocab;
        }
        Row segment = RowFactory.create(split + i, i % 2 == 0 ? "en" : "de", "web", 0, seqLen + 1, 0);
        rows.add(RowFactory.create((long) i, t, new Object[] {segment}, runId, split));
      }
    }
    Tables.write(spark.createDataFrame(rows, Tables.schema("sequences")).drop(Tables.RUN_ID), out,
        "sequences", runId, "split");
  }
}
