package io.churnscope.jobs.health;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.jobs.dimensions.AccountAttributes;
import io.churnscope.jobs.dimensions.DimensionSettings;
import io.churnscope.jobs.engagement.AccountEngagement;
import io.churnscope.jobs.engagement.EngagementSettings;
import io.churnscope.jobs.subscriptions.AccountStatus;
import io.churnscope.jobs.subscriptions.ArrTiers;
import io.churnscope.jobs.subscriptions.LicensedSeats;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The rows of {@code marts.health_measures} for any set of snapshot dates, computed point in time from
 * the full-history tables, without any stored snapshot of those dates (docs/health.md, back-fill):
 * account status in memory ({@link AccountStatus#apply} per date, from the staged rows delivered by
 * then), engagement for every (account, date) at once ({@link AccountEngagement#at}), and support,
 * NPS and billing rows dated and delivered by the date ({@link HealthInputs#measuresAt}).
 */
public final class HealthMeasures {
  /** Snapshot dates whose account status is computed in one plan (see {@link #at}: more ran out of memory). */
  static final int STATUS_BATCH = 1;

  private HealthMeasures() {}

  /** The full-history tables the measures are computed from. */
  public record History(Dataset<Row> crmAccounts, Dataset<Row> versions, Dataset<Row> accountLedger,
      Dataset<Row> churnEvents, Dataset<Row> accountDays, Dataset<Row> userDays, Dataset<Row> tickets,
      Dataset<Row> nps, Dataset<Row> invoices) {
    /** The tables this reads, for the stage's data flow. */
    public static final List<TableSpec> TABLES = List.of(StagedTables.CRM_ACCOUNTS, StagedTables.SUBSCRIPTION_VERSIONS,
        MartTables.MRR_LEDGER_ACCOUNT, MartTables.CHURN_EVENTS, EngagementTables.ACCOUNT_DAY, EngagementTables.USER_DAY,
        StagedTables.SUPPORT_TICKETS, StagedTables.NPS_RESPONSES, StagedTables.INVOICES);

    public static History read(SparkSession spark, Lake lake) {
      return new History(DeltaIO.readOrEmpty(spark, lake, StagedTables.CRM_ACCOUNTS),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.SUBSCRIPTION_VERSIONS),
          DeltaIO.readOrEmpty(spark, lake, MartTables.MRR_LEDGER_ACCOUNT),
          DeltaIO.readOrEmpty(spark, lake, MartTables.CHURN_EVENTS),
          DeltaIO.readOrEmpty(spark, lake, EngagementTables.ACCOUNT_DAY),
          DeltaIO.readOrEmpty(spark, lake, EngagementTables.USER_DAY),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.SUPPORT_TICKETS),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.NPS_RESPONSES),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.INVOICES));
    }
  }

  /** The settings the computation reads, each from its own block. */
  public record Settings(HealthSettings health, ArrTiers tiers, List<String> seatProducts, EngagementSettings usage,
      DimensionSettings dimensions) {
    public static Settings from(ChurnscopeConfig config) {
      return new Settings(HealthSettings.from(config), ArrTiers.from(config), LicensedSeats.products(config),
          EngagementSettings.from(config), DimensionSettings.from(config));
    }
  }

  /**
   * One row per scored account (customers and open trials) and date, with the columns of
   * {@code marts.health_measures}. Staged rows count for a date only when delivered by then
   * ({@code ingest_date}); the MRR ledger and churn events are read as they stand, which is point in
   * time because their month of a date ends on it ({@link #checkLedgerDates}).
   */
  public static Dataset<Row> at(History in, List<LocalDate> dates, Settings s) {
    List<Dataset<Row>> populations = new ArrayList<>();
    List<Dataset<Row>> seats = new ArrayList<>();
    // The status of a date is a plan of its own (a dozen joins on the versions known that day). One plan
    // for many dates runs every date's sort-merge joins in the same tasks, each reserving its own memory
    // page: with 25 dates, or batches of 6, a 6 GB local test JVM ran out of execution memory (measured).
    // So each date's few hundred rows are materialized on their own, from inputs read once (about 2-4 s
    // a date on the 24-month test lake); STATUS_BATCH dates share one plan.
    List<Dataset<Row>> inputs = List.of(in.versions().cache(), in.crmAccounts().cache(), in.accountLedger().cache(),
        in.churnEvents().cache());
    try {
      for (int from = 0; from < dates.size(); from += STATUS_BATCH) {
        List<Dataset<Row>> batch = new ArrayList<>();
        List<Dataset<Row>> batchSeats = new ArrayList<>();
        for (LocalDate date : dates.subList(from, Math.min(dates.size(), from + STATUS_BATCH))) {
          Column day = lit(Date.valueOf(date));
          Column delivered = col("ingest_date").leq(day);
          Dataset<Row> versions = inputs.get(0).where(delivered);
          Dataset<Row> crmRows = inputs.get(1).where(delivered);
          Dataset<Row> status = AccountStatus.apply(crmRows, versions, inputs.get(2), inputs.get(3), date, s.tiers(),
              s.seatProducts());
          Dataset<Row> population = HealthInputs.population(
              new HealthInputs.Sources(status, null, versions, null, null, null), date, s.health(), s.seatProducts());
          Dataset<Row> crm = AccountAttributes.crmAsOf(crmRows,
                  population.select(col("account_id"), day.as("as_of_date")), s.dimensions())
              .select(col("account_id"), col("acquisition_channel"), col("region"), col("industry"), col("size_band"));
          batch.add(population.join(crm, "account_id", "left").withColumn("snapshot_date", day));
          batchSeats.add(LicensedSeats.on(versions, date, s.usage().seatProducts()).withColumn("as_of_date", day));
        }
        populations.add(materialized(unionAll(batch)));
        seats.add(materialized(unionAll(batchSeats)));
      }
    } finally {
      inputs.forEach(Dataset::unpersist);
    }
    Dataset<Row> population = unionAll(populations);
    Dataset<Row> engagement = engagement(in, population.select(col("account_id"), col("snapshot_date").as("as_of_date")),
        unionAll(seats), dates, s.usage()).withColumnRenamed("as_of_date", "snapshot_date");
    HealthInputs.Sources sources = new HealthInputs.Sources(null, engagement, in.versions(), in.tickets(), in.nps(),
        in.invoices());
    return HealthInputs.measuresAt(sources, population);
  }

  /**
   * {@link AccountEngagement#at} for the keys the nightly snapshot would have (an account_day row in the
   * look-back, or paid seats on the date) whose date's MAU window the usage rollups cover: before the
   * first rolled-up day the usage is unknown, not zero (as in the dated account attributes).
   */
  static Dataset<Row> engagement(History in, Dataset<Row> keys, Dataset<Row> seats, List<LocalDate> dates,
      EngagementSettings usage) {
    Row first = in.accountDays().agg(min("activity_date")).first();
    if (first.isNullAt(0) || dates.isEmpty()) {
      return AccountEngagement.at(keys.limit(0), in.accountDays().limit(0), in.userDays().limit(0), seats.limit(0), usage);
    }
    LocalDate firstDay = first.getDate(0).toLocalDate();
    List<LocalDate> covered = dates.stream()
        .filter(d -> !d.minusDays(usage.mauWindowDays() - 1L).isBefore(firstDay)).toList();
    LocalDate from = covered.stream().min(LocalDate::compareTo).map(d -> AccountEngagement.firstDayRead(d, usage))
        .orElse(firstDay);
    LocalDate to = dates.stream().max(LocalDate::compareTo).orElseThrow();
    Column read = col("activity_date").between(lit(Date.valueOf(from)), lit(Date.valueOf(to)));
    Dataset<Row> accountDays = in.accountDays().where(read);
    Dataset<Row> userDays = in.userDays().where(read);
    Dataset<Row> coveredKeys = keys.where(col("as_of_date").isin(covered.stream().map(Date::valueOf).toArray()));
    Dataset<Row> days = accountDays.select(col("account_id").as("d_account_id"), col("activity_date"));
    Dataset<Row> active = coveredKeys.join(days, col("d_account_id").equalTo(col("account_id"))
        .and(col("activity_date").between(date_sub(col("as_of_date"), AccountEngagement.LOOKBACK_DAYS - 1),
            col("as_of_date"))), "left_semi");
    Dataset<Row> seated = coveredKeys.join(seats, new String[] {"account_id", "as_of_date"}, "left_semi");
    return AccountEngagement.at(active.union(seated).distinct(), accountDays, userDays, seats, usage);
  }

  /**
   * Fails unless each date's month in {@code marts.mrr_ledger_account} is as of that date (a month-end,
   * or the run date of the ledger's latest run): any other date would read MRR from after it.
   */
  public static void checkLedgerDates(Dataset<Row> accountLedger, List<LocalDate> dates) {
    Map<LocalDate, LocalDate> byMonth = new TreeMap<>();
    dates.forEach(d -> byMonth.put(d.withDayOfMonth(1), d));
    for (Row r : accountLedger.where(col("month").isin(byMonth.keySet().stream().map(Date::valueOf).toArray()))
        .groupBy("month").agg(min("as_of_date"), max("as_of_date")).collectAsList()) {
      LocalDate wanted = byMonth.get(r.getDate(0).toLocalDate());
      if (!r.getDate(1).toLocalDate().equals(wanted) || !r.getDate(2).toLocalDate().equals(wanted)) {
        throw new IllegalStateException("marts.mrr_ledger_account's month " + r.getDate(0) + " is as of "
            + r.getDate(2) + ", not " + wanted + ": a snapshot date must be a month-end or the ledger's run date "
            + "(run mrr-ledger for " + wanted + " first)");
      }
    }
  }

  /**
   * The rows computed once, as a plan without their origin (a few hundred rows a date, so they are
   * collected). Measured on the 24-month test lake, 24 dates: 84 s and 1.6 GB of heap still live right
   * after, against 107 s and 2.3 GB with a local checkpoint per date.
   */
  private static Dataset<Row> materialized(Dataset<Row> rows) {
    return rows.sparkSession().createDataFrame(rows.collectAsList(), rows.schema());
  }

  private static Dataset<Row> unionAll(List<Dataset<Row>> parts) {
    Dataset<Row> out = parts.get(0);
    for (Dataset<Row> part : parts.subList(1, parts.size())) {
      out = out.unionByName(part);
    }
    return out;
  }
}
