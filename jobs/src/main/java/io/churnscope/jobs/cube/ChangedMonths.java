package io.churnscope.jobs.cube;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The months whose rows changed: tonight's rows of a month-partitioned table against the published
 * ones, by a fingerprint per month (row count and the sum of a 64-bit hash of each row — order-free,
 * and a sum, unlike an XOR, does not cancel duplicate rows). A month is changed when it is new, gone,
 * or its fingerprint differs; only those are rewritten, so a closed month stays byte for byte as it was.
 */
public final class ChangedMonths {
  private ChangedMonths() {}

  /** Both frames must have the table's columns and types (conformed to its spec). */
  public static List<LocalDate> between(Dataset<Row> fresh, Dataset<Row> published) {
    Map<LocalDate, Row> before = fingerprints(published);
    Map<LocalDate, Row> after = fingerprints(fresh);
    TreeSet<LocalDate> months = new TreeSet<>(before.keySet());
    months.addAll(after.keySet());
    List<LocalDate> changed = new ArrayList<>();
    for (LocalDate month : months) {
      if (!Objects.equals(before.get(month), after.get(month))) {
        changed.add(month);
      }
    }
    return changed;
  }

  private static Map<LocalDate, Row> fingerprints(Dataset<Row> rows) {
    Column[] all = Arrays.stream(rows.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
    Map<LocalDate, Row> byMonth = new HashMap<>();
    // A decimal sum: a long sum of hashes would overflow, which ANSI mode turns into an error.
    for (Row row : rows.groupBy("month").agg(count("*"), sum(xxhash64(all).cast("decimal(38,0)"))).collectAsList()) {
      byMonth.put(row.getDate(0).toLocalDate(), row);
    }
    return byMonth;
  }
}
