package io.churnscope.jobs.subscriptions;

import io.churnscope.common.schema.MartTables;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;

/**
 * A ledger row with its movements named, every amount zero unless set:
 * {@code row("2026-02", "acc", "core").start("100").expansion("50").end("150")}. A known answer
 * then shows only the movements that happen, and a swapped column cannot hide in a run of zeros.
 *
 * <p>The row holds the keys, then the movements in {@link MartTables#MRR_MOVEMENTS}' order; select
 * the actual side with {@link #columns} so both follow the schema. Amounts are strings, as in
 * {@link LedgerFixtures}: exact decimals, and {@code null} for the gate test's broken rows.
 */
final class LedgerRow {
  /** The movement columns of both ledger grains, start to end. */
  static final List<String> MOVEMENTS = MartTables.MRR_MOVEMENTS.stream().map(StructField::name).toList();

  private final List<Object> keys;
  private final BigDecimal[] amounts = new BigDecimal[MOVEMENTS.size()];

  private LedgerRow(Object... keys) {
    this.keys = new ArrayList<>(Arrays.asList(keys));
    Arrays.fill(amounts, BigDecimal.ZERO);
  }

  /** A {@code marts.mrr_ledger} row: month (YYYY-MM), account, product. */
  static LedgerRow row(String month, String account, String product) {
    return new LedgerRow(firstDay(month), account, product);
  }

  /** A {@code marts.mrr_ledger_account} row: month (YYYY-MM), account. */
  static LedgerRow row(String month, String account) {
    return new LedgerRow(firstDay(month), account);
  }

  /** A row of {@link MrrLedgerStage#monthTotals}: month (YYYY-MM). */
  static LedgerRow monthTotal(String month) {
    return new LedgerRow(firstDay(month));
  }

  /** Adds the as_of_date key where the tables hold it, right after month (for rows written as a whole table). */
  LedgerRow asOf(String day) {
    keys.add(1, Date.valueOf(day));
    return this;
  }

  LedgerRow start(String amount) {
    return set("start_mrr", amount);
  }

  /** {@code new_mrr} ({@code new} is a Java keyword). */
  LedgerRow newMrr(String amount) {
    return set("new_mrr", amount);
  }

  LedgerRow reactivation(String amount) {
    return set("reactivation_mrr", amount);
  }

  LedgerRow expansion(String amount) {
    return set("expansion_mrr", amount);
  }

  LedgerRow crossSell(String amount) {
    return set("cross_sell_mrr", amount);
  }

  LedgerRow contraction(String amount) {
    return set("contraction_mrr", amount);
  }

  LedgerRow churn(String amount) {
    return set("churn_mrr", amount);
  }

  LedgerRow fx(String amount) {
    return set("fx_mrr", amount);
  }

  LedgerRow end(String amount) {
    return set("end_mrr", amount);
  }

  Row toRow() {
    return RowFactory.create(Stream.concat(keys.stream(), Arrays.stream(amounts)).toArray());
  }

  /** The rows to compare; not {@code rows}, which SparkTestBase's own {@code rows(schema, ...)} would hide. */
  static List<Row> ledgerRows(LedgerRow... rows) {
    return Arrays.stream(rows).map(LedgerRow::toRow).toList();
  }

  /** The key columns, then the movements: the select that lines the actual rows up with these. */
  static String[] columns(String... keys) {
    return Stream.concat(Arrays.stream(keys), MOVEMENTS.stream()).toArray(String[]::new);
  }

  private LedgerRow set(String column, String amount) {
    int i = MOVEMENTS.indexOf(column);
    if (i < 0) {
      // A setter named a column the schema no longer has: fix the builder, not the test.
      throw new IllegalStateException(column + " is not a movement of " + MOVEMENTS);
    }
    amounts[i] = amount == null ? null : new BigDecimal(amount);
    return this;
  }

  private static Date firstDay(String month) {
    return Date.valueOf(month + "-01");
  }
}
