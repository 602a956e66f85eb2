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
import io.churnscope.jobs.engagement.AccountDayRollup;
import io.churnscope.jobs.engagement.AccountEngagement;
import io.churnscope.jobs.engagement.EngagementSettings;
import io.churnscope.jobs.engagement.RollupPlan;
import io.churnscope.jobs.engagement.UserDayRollup;
import io.churnscope.jobs.ingest.IngestSettings;
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
      Dataset<Row> nps, Dataset<Row> invoices, DeliveredUsage usage) {
    /** The tables this reads, for the stage's data flow. */
    public static final List<TableSpec> TABLES = List.of(StagedTables.CRM_ACCOUNTS, StagedTables.SUBSCRIPTION_VERSIONS,
        MartTables.MRR_LEDGER_ACCOUNT, MartTables.CHURN_EVENTS, EngagementTables.ACCOUNT_DAY, EngagementTables.USER_DAY,
        StagedTables.SUPPORT_TICKETS, StagedTables.NPS_RESPONSES, StagedTables.INVOICES, StagedTables.USAGE_EVENTS,
        StagedTables.ACCOUNT_VOLUMETRICS, StagedTables.ACCOUNT_CONFIG, EngagementTables.ROLLUP_WATERMARK);

    public static History read(SparkSession spark, Lake lake) {
      return new History(DeltaIO.readOrEmpty(spark, lake, StagedTables.CRM_ACCOUNTS),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.SUBSCRIPTION_VERSIONS),
          DeltaIO.readOrEmpty(spark, lake, MartTables.MRR_LEDGER_ACCOUNT),
          DeltaIO.readOrEmpty(spark, lake, MartTables.CHURN_EVENTS),
          DeltaIO.readOrEmpty(spark, lake, EngagementTables.ACCOUNT_DAY),
          DeltaIO.readOrEmpty(spark, lake, EngagementTables.USER_DAY),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.SUPPORT_TICKETS),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.NPS_RESPONSES),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.INVOICES),
          new DeliveredUsage(DeltaIO.readOrEmpty(spark, lake, StagedTables.USAGE_EVENTS),
              DeltaIO.readOrEmpty(spark, lake, StagedTables.ACCOUNT_VOLUMETRICS),
              DeltaIO.readOrEmpty(spark, lake, StagedTables.ACCOUNT_CONFIG), RollupPlan.watermark(spark, lake)));
    }
  }

  /**
   * The staged rows the usage rollups are made of, and the latest delivery they hold: a snapshot dated
   * before it re-rolls its last days from the rows delivered by its date ({@link #asDelivered}).
   *
   * @param rolledUpThrough the engagement rollups' watermark, or null before the first rollup
   */
  public record DeliveredUsage(Dataset<Row> events, Dataset<Row> volumetrics, Dataset<Row> config,
      LocalDate rolledUpThrough) {}

  /** The settings the computation reads, each from its own block. */
  public record Settings(HealthSettings health, ArrTiers tiers, List<String> seatProducts, EngagementSettings usage,
      DimensionSettings dimensions, int maxLatenessDays) {
    public static Settings from(ChurnscopeConfig config) {
      return new Settings(HealthSettings.from(config), ArrTiers.from(config), LicensedSeats.products(config),
          EngagementSettings.from(config), DimensionSettings.from(config), IngestSettings.from(config).maxLatenessDays());
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
        unionAll(seats), dates, s).withColumnRenamed("as_of_date", "snapshot_date");
    HealthInputs.Sources sources = new HealthInputs.Sources(null, engagement, in.versions(), in.tickets(), in.nps(),
        in.invoices());
    return HealthInputs.measuresAt(sources, population);
  }

  /**
   * {@link AccountEngagement#at} for the keys the nightly snapshot would have (an account_day row in the
   * look-back, or paid seats on the date) whose date's MAU window the usage rollups cover: before the
   * first rolled-up day the usage is unknown, not zero (as in the dated account attributes). A date
   * before the rollups' latest delivery reads rollups {@link #asDelivered} on it, so late events
   * delivered after it do not count, as they did not for its nightly.
   */
  static Dataset<Row> engagement(History in, Dataset<Row> keys, Dataset<Row> seats, List<LocalDate> dates, Settings s) {
    EngagementSettings usage = s.usage();
    Row first = in.accountDays().agg(min("activity_date")).first();
    if (first.isNullAt(0) || dates.isEmpty()) {
      return AccountEngagement.at(keys.limit(0), in.accountDays().limit(0), in.userDays().limit(0), seats.limit(0), usage);
    }
    LocalDate firstDay = first.getDate(0).toLocalDate();
    List<LocalDate> covered = dates.stream()
        .filter(d -> !d.minusDays(usage.mauWindowDays() - 1L).isBefore(firstDay)).toList();
    LocalDate rolledUpThrough = in.usage().rolledUpThrough();
    List<LocalDate> settled = covered.stream().filter(d -> rolledUpThrough == null || !d.isBefore(rolledUpThrough)).toList();
    List<Dataset<Row>> parts = new ArrayList<>();
    parts.add(engagementOn(keys, in.accountDays(), in.userDays(), seats, settled, firstDay, usage));
    for (LocalDate date : covered.stream().filter(d -> !settled.contains(d)).toList()) {
      Rollups rollups = asDelivered(in, date, s);
      parts.add(engagementOn(keys, rollups.accountDays(), rollups.userDays(), seats, List.of(date), firstDay, usage));
    }
    return unionAll(parts);
  }

  /** {@link AccountEngagement#at} for the keys of {@code dates} that have usage, from the given rollups. */
  private static Dataset<Row> engagementOn(Dataset<Row> keys, Dataset<Row> allAccountDays, Dataset<Row> allUserDays,
      Dataset<Row> seats, List<LocalDate> dates, LocalDate firstDay, EngagementSettings usage) {
    LocalDate from = dates.stream().min(LocalDate::compareTo).map(d -> AccountEngagement.firstDayRead(d, usage))
        .orElse(firstDay);
    LocalDate to = dates.stream().max(LocalDate::compareTo).orElse(firstDay);
    Column read = col("activity_date").between(lit(Date.valueOf(from)), lit(Date.valueOf(to)));
    Dataset<Row> accountDays = allAccountDays.where(read);
    Dataset<Row> userDays = allUserDays.where(read);
    Dataset<Row> datedKeys = keys.where(col("as_of_date").isin(dates.stream().map(Date::valueOf).toArray()));
    Dataset<Row> days = accountDays.select(col("account_id").as("d_account_id"), col("activity_date"));
    Dataset<Row> active = datedKeys.join(days, col("d_account_id").equalTo(col("account_id"))
        .and(col("activity_date").between(date_sub(col("as_of_date"), AccountEngagement.LOOKBACK_DAYS - 1),
            col("as_of_date"))), "left_semi");
    Dataset<Row> seated = datedKeys.join(seats, new String[] {"account_id", "as_of_date"}, "left_semi");
    return AccountEngagement.at(active.union(seated).distinct(), accountDays, userDays, seats, usage);
  }

  /** marts.account_day and marts.user_day rows. */
  record Rollups(Dataset<Row> accountDays, Dataset<Row> userDays) {}

  /**
   * The usage rollups as a nightly of {@code date} saw them, over the windows ending on it. User-days:
   * the days a delivery after the date can still reach (ingestion quarantines events more than
   * {@code ingest.max-lateness-days} before their delivery) rolled up again from the events delivered
   * by the date, the days before them as published — a user-day depends on that user's events of that
   * day alone. Account-days: rolled up again from those user-days and the volumetrics and
   * configuration snapshots delivered by the date, which have no lateness bound (docs/health.md,
   * back-fill).
   */
  static Rollups asDelivered(History in, LocalDate date, Settings s) {
    Column from = lit(Date.valueOf(AccountEngagement.firstDayRead(date, s.usage())));
    Column since = lit(Date.valueOf(date.minusDays(s.maxLatenessDays() + 1L)));
    Column day = lit(Date.valueOf(date));
    Column delivered = col("ingest_date").leq(day);
    DeliveredUsage staged = in.usage();
    Dataset<Row> reRolled = UserDayRollup.apply(
        staged.events().where(col("event_date").between(since, day).and(delivered)), s.usage());
    Dataset<Row> published = in.userDays().where(col("activity_date").geq(from).and(col("activity_date").lt(since)));
    Dataset<Row> userDays = DeltaIO.conform(published, EngagementTables.USER_DAY)
        .unionByName(DeltaIO.conform(reRolled, EngagementTables.USER_DAY));
    Dataset<Row> accountDays = AccountDayRollup.apply(userDays,
        staged.volumetrics().where(col("extract_date").between(from, day).and(delivered)),
        staged.config().where(col("snapshot_date").between(from, day).and(delivered)));
    return new Rollups(DeltaIO.conform(accountDays, EngagementTables.ACCOUNT_DAY), userDays);
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
