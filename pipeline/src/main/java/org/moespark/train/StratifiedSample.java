package org.moespark.train;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A seeded sample of validation sequences that covers every language × domain present: strata in
 * name order take turns, each contributing its next sequence in a seeded shuffle, so a language
 * with two sequences is in the sample however large English is. Only seq_index and the segment
 * labels reach the driver.
 */
final class StratifiedSample {
  private StratifiedSample() {}

  static List<Long> of(Dataset<Row> sequences, int max, long seed) {
    Map<String, List<Long>> strata = new TreeMap<>();
    for (Row r : sequences.select(col("seq_index"), col("segments.lang"), col("segments.domain")).collectAsList()) {
      List<String> langs = r.getList(1);
      List<String> domains = r.getList(2);
      for (int i = 0; i < langs.size(); i++) {
        strata.computeIfAbsent(langs.get(i) + " / " + domains.get(i), k -> new ArrayList<>()).add(r.getLong(0));
      }
    }
    Random rnd = new Random(seed);
    List<List<Long>> queues = new ArrayList<>();
    strata.values().forEach(q -> {
      Collections.sort(q);
      Collections.shuffle(q, rnd);
      queues.add(q);
    });
    Set<Long> picked = new LinkedHashSet<>();
    for (int round = 0; picked.size() < max; round++) {
      boolean any = false;
      for (List<Long> q : queues) {
        if (round < q.size()) {
          any = true;
          if (picked.size() < max) {
            picked.add(q.get(round));
          }
        }
      }
      if (!any) {
        break;
      }
    }
    return new ArrayList<>(picked);
  }
}
