package io.churnscope.common.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Order-insensitive Dataset equality with a row-level diff: the rows only in the expected frame
 * and the rows only in the actual one (as multisets, so duplicates count), plus a column check.
 */
public final class DatasetAssertions {
  private static final int MAX_SHOWN = 20;

  private DatasetAssertions() {}

  public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    List<String> expectedColumns = Arrays.asList(expected.columns());
    List<String> actualColumns = Arrays.asList(actual.columns());
    if (!expectedColumns.equals(actualColumns)) {
      fail("columns differ: expected " + expectedColumns + " but was " + actualColumns);
    }
    assertSameRows(expected.collectAsList(), actual.collectAsList());
  }

  public static void assertSameRows(List<Row> expected, List<Row> actual) {
    Map<String, Integer> counts = new HashMap<>();
    for (Row row : expected) {
      counts.merge(render(row), 1, Integer::sum);
    }
    List<String> unexpected = new ArrayList<>();
    for (Row row : actual) {
      String key = render(row);
      Integer left = counts.get(key);
      if (left == null) {
        unexpected.add(key);
      } else if (left == 1) {
        counts.remove(key);
      } else {
        counts.put(key, left - 1);
      }
    }
    List<String> missing = new ArrayList<>();
    counts.forEach((key, n) -> {
      for (int i = 0; i < n; i++) {
        missing.add(key);
      }
    });
    if (!missing.isEmpty() || !unexpected.isEmpty()) {
      StringBuilder message = new StringBuilder("frames differ (expected " + expected.size()
          + " rows, actual " + actual.size() + ")");
      appendRows(message, "missing (expected, not in actual)", missing);
      appendRows(message, "unexpected (in actual, not expected)", unexpected);
      fail(message.toString());
    }
  }

  private static void appendRows(StringBuilder message, String title, List<String> rows) {
    if (rows.isEmpty()) {
      return;
    }
    message.append("\n  ").append(rows.size()).append(' ').append(title).append(':');
    rows.stream().sorted().limit(MAX_SHOWN).forEach(r -> message.append("\n    - ").append(r));
    if (rows.size() > MAX_SHOWN) {
      message.append("\n    ... and ").append(rows.size() - MAX_SHOWN).append(" more");
    }
  }

  /** A row as text; decimals are normalized so 1.50 and 1.5 compare equal. */
  private static String render(Row row) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < row.length(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      Object value = row.get(i);
      if (value instanceof java.math.BigDecimal decimal) {
        value = decimal.stripTrailingZeros().toPlainString();
      } else if (value instanceof scala.collection.Seq<?> seq) {
        value = scala.jdk.javaapi.CollectionConverters.asJava(seq);
      } else if (value instanceof Row nested) {
        value = render(nested);
      }
      out.append(value);
    }
    return out.append(']').toString();
  }
}
