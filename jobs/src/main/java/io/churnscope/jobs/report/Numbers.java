package io.churnscope.jobs.report;

import java.math.BigDecimal;
import java.util.Locale;
import org.apache.spark.sql.Row;

/** Reading a collected row's numbers and writing them as the report shows them. */
final class Numbers {
  private Numbers() {}

  /** Four decimals: enough for a chart, and a page without 17-digit noise. */
  static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }

  /** The column's value as a double (decimal, long, int or double), null when null. */
  static Double get(Row row, String column) {
    Object value = row.get(row.fieldIndex(column));
    if (value == null) {
      return null;
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.doubleValue();
    }
    return ((Number) value).doubleValue();
  }

  /** The column's value, 0 when null. */
  static double getOrZero(Row row, String column) {
    Double value = get(row, column);
    return value == null ? 0 : value;
  }

  /** A ratio (0.0512) as a percentage for a chart (5.12), null when null. */
  static Double percent(Row row, String column) {
    Double value = get(row, column);
    return value == null ? null : round(100 * value);
  }

  static String percentText(Double ratio) {
    return ratio == null ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * ratio);
  }

  static String money(double amount, String currency) {
    return String.format(Locale.ROOT, "%,.0f %s", amount, currency);
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String decimal(Double value, int places) {
    return value == null ? "–" : String.format(Locale.ROOT, "%." + places + "f", value);
  }
}
