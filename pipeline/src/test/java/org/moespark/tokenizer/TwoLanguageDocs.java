package org.moespark.tokenizer;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** 60 English prose and 60 Russian docs documents: a tiny labelled corpus for stage tests. */
public final class TwoLanguageDocs {
  private TwoLanguageDocs() {}

  public static Dataset<Row> of(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      rows.add(RowFactory.create("en" + i, "en", "prose", "the cat sat on the mat number " + i + " and slept."));
      rows.add(RowFactory.create("ru" + i, "ru", "docs", "кошка сидела на ковре номер " + i + " и спала."));
    }
    return spark.createDataFrame(rows, new StructType().add("doc_id", "string").add("lang", "string")
        .add("domain", "string").add("text", "string"));
  }
}
