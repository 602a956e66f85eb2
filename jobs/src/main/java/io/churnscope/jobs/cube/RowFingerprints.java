package io.churnscope.jobs.cube;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Order-free fingerprints of a table's rows: the row count and the sum of a 64-bit hash of each row
 * (a sum, unlike an XOR, does not cancel duplicate rows). Two frames with the same columns, types and
 * rows have the same fingerprint; any changed value changes it except with negligible probability.
 */
final class RowFingerprints {
  private RowFingerprints() {}

  /** The whole frame's fingerprint: {@code [rows, hash sum]}. */
  static Row of(Dataset<Row> rows) {
    return rows.agg(count(lit(1)), hashSum(rows)).first();
  }

  /** One fingerprint per {@code month}. */
  static Map<LocalDate, Row> byMonth(Dataset<Row> rows) {
    Map<LocalDate, Row> byMonth = new HashMap<>();
    for (Row row : rows.groupBy("month").agg(count(lit(1)), hashSum(rows)).collectAsList()) {
      byMonth.put(row.getDate(0).toLocalDate(), row);
    }
    return byMonth;
  }

  private static Column hashSum(Dataset<Row> rows) {
    Column[] all = Arrays.stream(rows.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
    // A decimal sum: a long sum of hashes would overflow, which ANSI mode turns into an error.
    return sum(xxhash64(all).cast("decimal(38,0)"));
  }
}
