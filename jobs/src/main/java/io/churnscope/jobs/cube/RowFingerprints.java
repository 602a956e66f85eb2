package io.churnscope.jobs.cube;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Order-free fingerprints of a table's rows: the row count and the sum of a 64-bit hash of each row
 * (a sum, unlike an XOR, does not cancel duplicate rows). Two frames with the same columns, types and
 * rows have the same fingerprint; any changed value changes it except with negligible probability.
 */
final class RowFingerprints {
  private RowFingerprints() {}

  /**
   * The fingerprint of each frame ({@code [rows, hash sum]}), in order, from one query: a union of
   * one-row aggregations, so comparing many small tables costs one Spark job rather than one per table.
   */
  static List<Row> ofEach(List<Dataset<Row>> frames) {
    Dataset<Row> union = null;
    for (int i = 0; i < frames.size(); i++) {
      Dataset<Row> frame = frames.get(i);
      Dataset<Row> one = frame.agg(lit(i).as("frame"), count(lit(1)).as("rows"), hashSum(frame).as("hash_sum"));
      union = union == null ? one : union.unionByName(one);
    }
    Row[] byFrame = new Row[frames.size()];
    if (union != null) {
      for (Row row : union.collectAsList()) {
        byFrame[row.getInt(0)] = RowFactory.create(row.get(1), row.get(2));
      }
    }
    return Arrays.asList(byFrame);
  }

  /** One fingerprint per {@code month} of each frame, in order, from one query. */
  static List<Map<LocalDate, Row>> byMonthOfEach(List<Dataset<Row>> frames) {
    Dataset<Row> union = null;
    List<Map<LocalDate, Row>> byFrame = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      Dataset<Row> frame = frames.get(i);
      Dataset<Row> months = frame.groupBy("month").agg(lit(i).as("frame"), count(lit(1)).as("rows"), hashSum(frame).as("hash_sum"));
      union = union == null ? months : union.unionByName(months);
      byFrame.add(new HashMap<>());
    }
    if (union != null) {
      for (Row row : union.collectAsList()) {
        byFrame.get(row.getInt(1)).put(row.getDate(0).toLocalDate(), RowFactory.create(row.get(2), row.get(3)));
      }
    }
    return byFrame;
  }

  private static Column hashSum(Dataset<Row> rows) {
    Column[] all = Arrays.stream(rows.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
    // A decimal sum: a long sum of hashes would overflow, which ANSI mode turns into an error.
    return sum(xxhash64(all).cast("decimal(38,0)"));
  }
}
