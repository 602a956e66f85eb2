package io.churnscope.generator;

import io.churnscope.common.spark.JobDescription;
import io.churnscope.common.lake.Lake;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a CSV source as raw deliveries: {@code raw/<source>/dt=YYYY-MM-DD/part-*.csv} with a header
 * row, one file per delivery, rows in generation order (small sources, written by one task). Empty values are written as empty fields;
 * quotes inside values are doubled (RFC 4180), so read with {@code escape = "\""}.
 */
final class CsvDeliveryWriter {
  private CsvDeliveryWriter() {}

  /** Common options of every raw CSV the generator writes. */
  static <T> org.apache.spark.sql.DataFrameWriter<T> csvOptions(org.apache.spark.sql.DataFrameWriter<T> writer) {
    return writer.option("header", "true").option("escape", "\"").option("quote", "\"")
        .option("nullValue", "").option("emptyValue", "");
  }

  static void write(SparkSession spark, Lake lake, CsvRows rows) {
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField("dt", DataTypes.StringType, false));
    for (String column : rows.source.header()) {
      fields.add(DataTypes.createStructField(column, DataTypes.StringType, true));
    }
    StructType schema = DataTypes.createStructType(fields);
    List<Row> data = new ArrayList<>(rows.size());
    // Stable sort by delivery date: rows of a delivery stay in generation order.
    List<CsvRows.Row> sorted = new ArrayList<>(rows.rows());
    sorted.sort(java.util.Comparator.comparing(CsvRows.Row::deliveryDate));
    for (CsvRows.Row row : sorted) {
      Object[] values = new Object[row.values().length + 1];
      values[0] = row.deliveryDate().toString();
      for (int i = 0; i < row.values().length; i++) {
        values[i + 1] = row.values()[i].isEmpty() ? null : row.values()[i];
      }
      data.add(RowFactory.create(values));
    }
    // Small (O(accounts x months)): one task writes every delivery, one file each, in order.
    Dataset<Row> frame = spark.createDataFrame(data, schema).coalesce(1);
    try (JobDescription label = JobDescription.set(spark, "generate: write raw/" + rows.source.folder())) {
      csvOptions(frame.write().mode(SaveMode.Overwrite).partitionBy("dt")).csv(lake.raw(rows.source.folder()));
    }
  }
}
