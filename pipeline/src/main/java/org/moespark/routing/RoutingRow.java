package org.moespark.routing;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One routing choice: token {@code position} of document {@code docId} sent to {@code expert} as
 * its {@code rank}-th choice in {@code layer}. The shape the model's route pass emits; {@link
 * #toRow()} gives the row in the column order of {@link RoutingTable#inputSchema()}.
 */
public record RoutingRow(long step, String split, String docId, String lang, String domain,
    int position, int tokenId, int layer, int rank, int expert, float gate, boolean dropped) {

  public RoutingRow {
    if (position < 0 || layer < 0 || layer > Byte.MAX_VALUE || rank < 0 || rank > Byte.MAX_VALUE
        || expert < 0 || expert > Short.MAX_VALUE) {
      throw new IllegalArgumentException("routing row out of range: " + this);
    }
  }

  public Row toRow() {
    return RowFactory.create(step, docId, lang, domain, position, tokenId, (byte) layer,
        (byte) rank, (short) expert, gate, dropped, split);
  }
}
