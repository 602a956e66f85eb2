package io.churnscope.jobs.health;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.run.DataFlow;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.HealthTables;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code health-measures}: every health measure and the account's context, per scored account
 * and snapshot date, computed point in time from the full history ({@link HealthMeasures}) →
 * {@code marts.health_measures}. The snapshot dates are the run date and the month-ends of the lake's
 * history the table lacks (from the first month with a customer, and not before the first billing
 * delivery), so the first run back-fills the
 * history and later runs add the run date; {@code health.backfill.from/to} re-write the month-ends of
 * a range instead. All dates are computed in one pass and written in one {@code replaceWhere} on them.
 *
 * <pre>bin/churnscope health-measures --lake LAKE --run-date 2026-10-31 \
 *   [--set health.backfill.from=2025-01-01 --set health.backfill.to=2025-12-31]</pre>
 */
public final class HealthMeasuresStage implements Stage {
  @Override
  public String name() {
    return "health-measures";
  }

  @Override
  public String description() {
    return "account status, engagement, support, NPS, billing, CRM (full history, point in time) → marts.health_measures "
        + "(the run date and any missing month-end)";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(HealthMeasures.History.TABLES).andReading(HealthTables.HEALTH_MEASURES)
        .writing(HealthTables.HEALTH_MEASURES);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    HealthMeasures.Settings.from(config);
    HealthBackfillSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    HealthMeasures.Settings settings = HealthMeasures.Settings.from(run.config());
    HealthMeasures.History in = HealthMeasures.History.read(spark, run.lake());
    // The history starts with the first month with a customer that the lake knew of: versions in force
    // before the first billing delivery arrive with it, and no snapshot before it can see them.
    Row first = in.accountLedger().where(col("end_mrr").gt(0)).agg(min("month")).first();
    Row delivered = in.versions().agg(min("ingest_date")).first();
    Set<LocalDate> written = DeltaIO.readOrEmpty(spark, run.lake(), HealthTables.HEALTH_MEASURES)
        .select("snapshot_date").distinct().collectAsList().stream()
        .map(r -> r.getDate(0).toLocalDate()).collect(Collectors.toSet());
    LocalDate firstMonth = first.isNullAt(0) || delivered.isNullAt(0) ? null
        : later(first.getDate(0).toLocalDate(), delivered.getDate(0).toLocalDate().withDayOfMonth(1));
    List<LocalDate> dates = snapshotDates(run.runDate(), firstMonth, written, HealthBackfillSettings.from(run.config()));
    HealthMeasures.checkLedgerDates(in.accountLedger(), dates);
    Dataset<Row> rows = HealthMeasures.at(in, dates, settings).cache();
    try {
      String when = "snapshot_date IN (" + dates.stream().map(d -> "DATE'" + d + "'").collect(Collectors.joining(", ")) + ")";
      DeltaIO.replaceWhere(spark, run.lake(), HealthTables.HEALTH_MEASURES, rows, when);
      long count = rows.count();
      return new StageResult(0, count, 0, count + " account snapshots on " + dates.size() + " dates ("
          + dates.get(0) + (dates.size() > 1 ? " … " + dates.get(dates.size() - 1) : "") + ")");
    } finally {
      rows.unpersist();
    }
  }

  /**
   * The dates a run writes, ascending: the run date, and the month-ends from the first customer month's
   * to the run date's — those not yet {@code written}, or, with a back-fill range, those in it.
   *
   * @param firstCustomerMonth the first month with MRR in the ledger, or null (no customer yet)
   */
  static List<LocalDate> snapshotDates(LocalDate runDate, LocalDate firstCustomerMonth, Set<LocalDate> written,
      HealthBackfillSettings backfill) {
    TreeSet<LocalDate> dates = new TreeSet<>();
    dates.add(runDate);
    if (firstCustomerMonth == null) {
      return List.copyOf(dates);
    }
    for (LocalDate end = monthEnd(firstCustomerMonth); !end.isAfter(runDate); end = monthEnd(end.plusDays(1))) {
      boolean wanted = backfill.hasRange() ? !end.isBefore(backfill.from()) && !end.isAfter(backfill.to())
          : !written.contains(end);
      if (wanted) {
        dates.add(end);
      }
    }
    return List.copyOf(dates);
  }

  private static LocalDate later(LocalDate a, LocalDate b) {
    return a.isAfter(b) ? a : b;
  }

  private static LocalDate monthEnd(LocalDate day) {
    return day.withDayOfMonth(day.lengthOfMonth());
  }
}
