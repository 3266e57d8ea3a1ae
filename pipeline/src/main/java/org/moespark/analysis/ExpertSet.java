package org.moespark.analysis;

import static org.apache.spark.sql.functions.bit_count;
import static org.apache.spark.sql.functions.bit_or;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * A token's top-k set as a bit mask in ceil(E/64) long columns {@code mask0, mask1, ...} plus its
 * first choice {@code first}: fixed-width aggregates (bit_or, min) that Spark combines before the
 * shuffle, unlike collected arrays, and set overlap is a popcount of the AND.
 */
final class ExpertSet {
  private ExpertSet() {}

  static int words(int experts) {
    return (experts + 63) / 64;
  }

  /** Aggregations over a token's routing rows: first, mask0, mask1, .... */
  static Column[] aggregate(int experts) {
    List<Column> out = new ArrayList<>();
    out.add(min(when(col("rank").equalTo(0), col("expert"))).as("first"));
    Column expert = col("expert").cast("int");
    for (int w = 0; w < words(experts); w++) {
      out.add(bit_or(when(expert.divide(64).cast("int").equalTo(w),
          call_function("shiftleft", lit(1L), expert.mod(64))).otherwise(lit(0L))).as("mask" + w));
    }
    return out.toArray(new Column[0]);
  }

  static String[] maskColumns(int experts) {
    String[] out = new String[words(experts)];
    for (int w = 0; w < out.length; w++) {
      out[w] = "mask" + w;
    }
    return out;
  }

  /** |A ∩ B| for masks with column prefixes {@code a} and {@code b} (e.g. "mask", "prev_mask"). */
  static Column overlap(int experts, String a, String b) {
    Column n = lit(0);
    for (int w = 0; w < words(experts); w++) {
      n = n.plus(bit_count(col(a + w).bitwiseAND(col(b + w))));
    }
    return n;
  }

  /** Whether expert {@code e} (an int column) is in the set of mask columns {@code mask0...}. */
  static Column contains(int experts, Column e) {
    Column word = lit(0L);
    for (int w = 0; w < words(experts); w++) {
      word = when(e.divide(64).cast("int").equalTo(w), col("mask" + w)).otherwise(word);
    }
    return call_function("shiftright", word, e.mod(64)).bitwiseAND(1).equalTo(1);
  }
}
