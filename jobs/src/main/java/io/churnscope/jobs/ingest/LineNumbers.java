package io.churnscope.jobs.ingest;

import java.util.Iterator;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Numbers the lines of a text scan, so that a quarantined record says where it was: {@code source_line}
 * counts the rows of each file part ({@code source_file}, {@code source_split_byte}) from 1. A Spark
 * partition of a file scan reads its file parts one after the other, each in line order, so counting
 * while the part stays the same numbers them exactly, in one pass with no shuffle. A file read whole
 * (every gzip file, and every other file under {@code spark.sql.files.maxPartitionBytes}) has one part,
 * starting at byte 0: its numbers are the file's line numbers, header included.
 *
 * <p>It must come right after the scan, before any filter or shuffle, and the text must still hold
 * every line (blank ones too).
 */
final class LineNumbers implements MapPartitionsFunction<Row, Row> {
  private final int fileField;
  private final int splitField;

  private LineNumbers(StructType schema) {
    this.fileField = schema.fieldIndex("source_file");
    this.splitField = schema.fieldIndex(RawDeliveries.SPLIT_BYTE);
  }

  /** {@code text} with {@code source_line} added. */
  static Dataset<Row> number(Dataset<Row> text) {
    StructType schema = text.schema();
    return text.mapPartitions(new LineNumbers(schema),
        Encoders.row(schema.add(RawDeliveries.LINE, DataTypes.LongType, false)));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Iterator<>() {
      private String file;
      private long split = -1;
      private long line;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row row = rows.next();
        String rowFile = row.getString(fileField);
        long rowSplit = row.getLong(splitField);
        if (rowSplit != split || !Objects.equals(rowFile, file)) {
          file = rowFile;
          split = rowSplit;
          line = 0;
        }
        line++;
        Object[] values = new Object[row.size() + 1];
        for (int i = 0; i < row.size(); i++) {
          values[i] = row.get(i);
        }
        values[row.size()] = line;
        return RowFactory.create(values);
      }
    };
  }
}
