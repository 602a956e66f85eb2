package io.churnscope.generator;

import io.churnscope.common.schema.RawFeed;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of one CSV source built on the driver, each with its delivery date, in generation order
 * (which is deterministic: accounts are processed by index).
 */
final class CsvRows {
  record Row(LocalDate deliveryDate, String[] values) {}

  final RawFeed source;
  private final List<Row> rows = new ArrayList<>();

  CsvRows(RawFeed source) {
    this.source = source;
  }

  void add(LocalDate deliveryDate, Object... values) {
    if (values.length != source.header().size()) {
      throw new IllegalArgumentException(source.sourceName() + ": " + values.length + " values for "
          + source.header().size() + " columns");
    }
    String[] text = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      text[i] = values[i] == null ? "" : values[i].toString();
    }
    rows.add(new Row(deliveryDate, text));
  }

  void addRow(Row row) {
    rows.add(row);
  }

  List<Row> rows() {
    return rows;
  }

  int size() {
    return rows.size();
  }

  /** Money with two decimals, written the same way on every JVM and locale. */
  static String money(double amount) {
    return java.math.BigDecimal.valueOf(Math.round(amount * 100), 2).toPlainString();
  }
}
