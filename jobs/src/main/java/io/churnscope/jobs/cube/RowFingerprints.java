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
   * (A global aggregation, not a grouping: an empty frame still has its fingerprint, [0, null].)
   */
  static List<Row> ofEach(List<Dataset<Row>> frames) {
    Row[] byFrame = new Row[frames.size()];
    for (Row row : fingerprints(frames, false)) {
      byFrame[row.<Integer>getAs("frame")] = fingerprint(row);
    }
    return Arrays.asList(byFrame);
  }

  /** One fingerprint per {@code month} of each frame, in order, from one query. */
  static List<Map<LocalDate, Row>> byMonthOfEach(List<Dataset<Row>> frames) {
    List<Map<LocalDate, Row>> byFrame = new ArrayList<>();
    frames.forEach(frame -> byFrame.add(new HashMap<>()));
    for (Row row : fingerprints(frames, true)) {
      byFrame.get(row.<Integer>getAs("frame")).put(row.<java.sql.Date>getAs("month").toLocalDate(), fingerprint(row));
    }
    return byFrame;
  }

  /** Every frame's {@code frame, rows, hash_sum} (and {@code month}, by month), from one union. */
  private static List<Row> fingerprints(List<Dataset<Row>> frames, boolean byMonth) {
    Dataset<Row> union = null;
    for (int i = 0; i < frames.size(); i++) {
      Dataset<Row> frame = frames.get(i);
      Column index = lit(i).as("frame");
      Column rows = count(lit(1)).as("rows");
      Column hashSum = hashSum(frame).as("hash_sum");
      Dataset<Row> one = byMonth ? frame.groupBy("month").agg(index, rows, hashSum) : frame.agg(index, rows, hashSum);
      union = union == null ? one : union.unionByName(one);
    }
    return union == null ? List.of() : union.collectAsList();
  }

  private static Row fingerprint(Row aggregated) {
    return RowFactory.create(aggregated.getAs("rows"), aggregated.getAs("hash_sum"));
  }

  private static Column hashSum(Dataset<Row> rows) {
    Column[] all = Arrays.stream(rows.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
    // A decimal sum: a long sum of hashes would overflow, which ANSI mode turns into an error.
    return sum(xxhash64(all).cast("decimal(38,0)"));
  }
}
