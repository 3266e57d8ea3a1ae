package org.moespark.tokenizer;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.moespark.spark.Tables;

/**
 * Packed sequences of one split in memory, in seq_index order: what the train and route stages
 * read. Each sequence is {@code seq-len + 1} ids (inputs are [0, len-1), targets [1, len)); its
 * segments say which document, language, domain and document position each token comes from.
 */
public final class Sequences {
  /** A run of tokens of one document inside a sequence. */
  public record Segment(String docId, String lang, String domain, int startInSeq, int length,
      int docStartPosition) {}

  /** Per token of one sequence: its document, language, domain and position in the document. */
  public record TokenLabels(String[] docId, String[] lang, String[] domain, int[] position) {}

  private final long[] seqIndex;
  private final int[][] tokens;
  private final List<List<Segment>> segments;

  private Sequences(long[] seqIndex, int[][] tokens, List<List<Segment>> segments) {
    this.seqIndex = seqIndex;
    this.tokens = tokens;
    this.segments = segments;
  }

  /** Collects one split of a run to this JVM (driver or task): fine up to a few GB of ids. */
  public static Sequences read(SparkSession spark, String out, String runId, String split) {
    List<Row> rows = Tables.read(spark, out, "sequences", runId).where(col("split").equalTo(split))
        .select("seq_index", "tokens", "segments").collectAsList();
    return of(rows.iterator());
  }

  /** From rows with {@code seq_index, tokens, segments} in any order (e.g. a Spark partition). */
  public static Sequences of(Iterator<Row> rows) {
    List<Row> all = new ArrayList<>();
    rows.forEachRemaining(all::add);
    all.sort(Comparator.comparingLong(r -> r.getLong(r.fieldIndex("seq_index"))));
    long[] index = new long[all.size()];
    int[][] toks = new int[all.size()][];
    List<List<Segment>> segs = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      Row r = all.get(i);
      index[i] = r.getLong(r.fieldIndex("seq_index"));
      List<Integer> ids = r.getList(r.fieldIndex("tokens"));
      toks[i] = ids.stream().mapToInt(Integer::intValue).toArray();
      List<Segment> s = new ArrayList<>();
      for (Row g : r.<Row>getList(r.fieldIndex("segments"))) {
        s.add(new Segment(g.getAs("doc_id"), g.getAs("lang"), g.getAs("domain"),
            g.<Integer>getAs("start_in_seq"), g.<Integer>getAs("length"),
            g.<Integer>getAs("doc_start_position")));
      }
      segs.add(List.copyOf(s));
    }
    return new Sequences(index, toks, segs);
  }

  /** Sequences per split of a run, without reading the ids. */
  public static Map<String, Long> countBySplit(SparkSession spark, String out, String runId) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row r : Tables.read(spark, out, "sequences", runId).groupBy("split").count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  public int size() {
    return tokens.length;
  }

  public long seqIndex(int i) {
    return seqIndex[i];
  }

  /** The ids of sequence {@code i} (shared, do not modify). */
  public int[] tokens(int i) {
    return tokens[i];
  }

  /** Sequences {@code from .. from+count-1}, wrapping around at the end (epochs). */
  public int[][] batch(long from, int count) {
    if (tokens.length == 0) {
      throw new IllegalStateException("no sequences: is the split smaller than one sequence?");
    }
    int[][] out = new int[count][];
    for (int b = 0; b < count; b++) {
      out[b] = tokens[(int) ((from + b) % tokens.length)];
    }
    return out;
  }

  public List<Segment> segments(int i) {
    return segments.get(i);
  }

  public TokenLabels labels(int i) {
    int n = tokens[i].length;
    String[] doc = new String[n];
    String[] lang = new String[n];
    String[] domain = new String[n];
    int[] pos = new int[n];
    for (Segment s : segments.get(i)) {
      for (int k = 0; k < s.length(); k++) {
        int t = s.startInSeq() + k;
        doc[t] = s.docId();
        lang[t] = s.lang();
        domain[t] = s.domain();
        pos[t] = s.docStartPosition() + k;
      }
    }
    return new TokenLabels(doc, lang, domain, pos);
  }
}
