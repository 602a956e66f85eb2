package io.churnscope.jobs.health;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.trunc;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.spark.HeldFrames;
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
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of {@code marts.health_measures} for any set of snapshot dates, computed point in time from
 * the full-history tables, without any stored snapshot of those dates (docs/health.md, back-fill):
 * account status of every date in one plan ({@link AccountStatus#at}, from the staged rows delivered by
 * each date), engagement for every (account, date) at once ({@link AccountEngagement#at}), and support,
 * NPS and billing rows dated and delivered by the date ({@link HealthInputs#measuresAt}).
 */
public final class HealthMeasures {
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
    // Every date's own copy of the versions and CRM rows delivered by it, each account id keyed by its
    // date: one plan computes every date's status with the nightly's code (AccountStatus.at). A few
    // thousand versions times a few dozen dates.
    Dataset<Row> window = broadcast(dates(in.versions().sparkSession(), dates));
    Column delivered = col("ingest_date").leq(col("as_of_date"));
    Dataset<Row> versions = in.versions().join(window, delivered).withColumn("account_id", versioned()).cache();
    Dataset<Row> crmRows = in.crmAccounts().join(window, delivered).withColumn("account_id", versioned()).cache();
    Dataset<Row> month = window.select(col("as_of_date").as("w_date"));
    Dataset<Row> ledger = in.accountLedger().join(month, col("month").equalTo(trunc(col("w_date"), "month")))
        .withColumn("account_id", versioned(col("w_date"))).drop("w_date");
    Dataset<Row> churnEvents = in.churnEvents().crossJoin(month).withColumn("account_id", versioned(col("w_date")))
        .drop("w_date");
    Dataset<Row> population;
    Dataset<Row> seats;
    try {
      Dataset<Row> undated = versions.drop("as_of_date");
      Dataset<Row> status = AccountStatus.at(crmRows, versions, ledger, churnEvents, s.tiers(), s.seatProducts());
      Dataset<Row> scored = HealthInputs.populationAt(status, undated, s.health(), s.seatProducts());
      Dataset<Row> crm = AccountAttributes.crmAsOf(crmRows.drop("as_of_date"),
              scored.select(col("account_id"), col("snapshot_date").as("as_of_date")), s.dimensions())
          .select(col("account_id"), col("acquisition_channel"), col("region"), col("industry"), col("size_band"));
      Dataset<Row> withCrm = scored.join(crm, "account_id", "left");
      List<Column> columns = new ArrayList<>();
      for (String c : withCrm.columns()) {
        if (!c.equals("snapshot_date")) {
          columns.add(c.equals("account_id") ? unversioned().as("account_id") : col(c));
        }
      }
      columns.add(col("snapshot_date"));
      // Held (local checkpoints), not collected: every scored account times every date, 2.4 million rows
      // for 24 month-ends of 100,000 accounts, would otherwise sit in the driver and in every plan.
      population = HeldFrames.hold(withCrm.select(columns.toArray(Column[]::new)));
      seats = HeldFrames.hold(LicensedSeats.at(undated, versions.select("account_id", "as_of_date").distinct(),
          s.usage().seatProducts()).withColumn("account_id", unversioned()));
    } finally {
      versions.unpersist();
      crmRows.unpersist();
    }
    Dataset<Row> engagement = engagement(in, population.select(col("account_id"), col("snapshot_date").as("as_of_date")),
        seats, dates, s).withColumnRenamed("as_of_date", "snapshot_date");
    HealthInputs.Sources sources = new HealthInputs.Sources(null, engagement, in.versions(), in.tickets(), in.nps(),
        in.invoices());
    return HealthInputs.measuresAt(sources, population);
  }

  /** One row per date: {@code as_of_date}. */
  private static Dataset<Row> dates(SparkSession spark, List<LocalDate> dates) {
    return spark.createDataFrame(dates.stream().map(d -> RowFactory.create(Date.valueOf(d))).toList(),
        new StructType().add("as_of_date", DataTypes.DateType));
  }

  /**
   * {@link AccountEngagement#at} for the keys the nightly snapshot would have (an account_day row in the
   * look-back, or paid seats on the date) whose date's MAU window the usage rollups cover: before the
   * first rolled-up day the usage is unknown, not zero (as in the dated account attributes). Dates before
   * the rollups' latest delivery read the rollups {@link #asDelivered} on them, so late events delivered
   * after a date do not count, as they did not for its nightly; all those dates in one plan.
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
    List<LocalDate> past = covered.stream().filter(d -> !settled.contains(d)).toList();
    Dataset<Row> published = engagementOn(keys, in.accountDays(), in.userDays(), seats, settled, firstDay, usage);
    if (past.isEmpty()) {
      return published;
    }
    Column onPast = col("as_of_date").isin(past.stream().map(Date::valueOf).toArray());
    Rollups rollups = asDelivered(in, past, s);
    Dataset<Row> asDelivered = engagementOn(keys.where(onPast).withColumn("account_id", versioned()), rollups.accountDays(),
        rollups.userDays(), seats.where(onPast).withColumn("account_id", versioned()), past, firstDay, usage);
    return published.unionByName(asDelivered.withColumn("account_id", unversioned()));
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
   * Sits between an account id and the snapshot date whose as-delivered rollups a row belongs to
   * ({@link #asDelivered}): with the date in the account key, the nightly's own rollups and engagement
   * code compute every date's version at once, each apart from the others.
   */
  private static final String VERSION = "\u0001";

  /** {@code account_id} keyed by {@code as_of_date} as well. */
  private static Column versioned() {
    return versioned(col("as_of_date"));
  }

  private static Column versioned(Column date) {
    return concat(col("account_id"), lit(VERSION), date_format(date, "yyyy-MM-dd"));
  }

  private static Column unversioned() {
    return substring_index(col("account_id"), VERSION, 1);
  }

  /** {@link #asDelivered(History, List, Settings)} of one date, with plain account ids. */
  static Rollups asDelivered(History in, LocalDate date, Settings s) {
    Rollups versioned = asDelivered(in, List.of(date), s);
    return new Rollups(versioned.accountDays().withColumn("account_id", unversioned()),
        versioned.userDays().withColumn("account_id", unversioned()));
  }

  /**
   * The usage rollups as the nightly of each date saw them, over the windows ending on it (the look-back
   * of account-days, the MAU window of user-days), every row's
   * account id {@link #versioned} by its date (a row per date whose window holds it). A rollup row is
   * as published unless a delivery after the date changed it: user-days of the days a later delivery can
   * still reach (ingestion quarantines events more than {@code ingest.max-lateness-days} before their
   * delivery) that hold events delivered after the date are rolled up again from the events delivered by
   * it — a user-day depends on that user's events of that day alone; account-days with such a user-day,
   * or with volumetrics or configuration snapshots delivered after the date (these have no lateness
   * bound), are rolled up again from those user-days and the extracts delivered by the date
   * (docs/health.md, back-fill).
   */
  static Rollups asDelivered(History in, List<LocalDate> dates, Settings s) {
    DeliveredUsage staged = in.usage();
    SparkSession spark = in.userDays().sparkSession();
    Function<LocalDate, LocalDate> firstDay = d -> AccountEngagement.firstDayRead(d, s.usage());
    Function<LocalDate, LocalDate> userFirstDay = d -> AccountEngagement.userDaysFrom(d, s.usage());
    Function<LocalDate, LocalDate> lateFrom = d -> d.minusDays(s.maxLatenessDays() + 1L);
    Dataset<Row> window = broadcast(spark.createDataFrame(dates.stream().map(d -> RowFactory.create(Date.valueOf(d),
        Date.valueOf(firstDay.apply(d)), Date.valueOf(userFirstDay.apply(d)), Date.valueOf(lateFrom.apply(d)))).toList(),
        new StructType().add("as_of_date", DataTypes.DateType).add("first_day", DataTypes.DateType)
            .add("user_first_day", DataTypes.DateType).add("late_from", DataTypes.DateType)));
    Column deliveredAfter = col("ingest_date").gt(col("as_of_date"));
    // Literal ranges first, so that each table is read once and only on the days some window holds.
    Dataset<Row> events = staged.events().where(within("event_date", lateFrom, dates));
    Dataset<Row> lateEvents = events.join(window, col("event_date").between(col("late_from"), col("as_of_date"))
            .and(deliveredAfter))
        .select(col("account_id"), col("event_date").as("activity_date"), col("as_of_date"));
    Dataset<Row> volumetrics = staged.volumetrics().where(within("extract_date", firstDay, dates));
    Dataset<Row> config = staged.config().where(within("snapshot_date", firstDay, dates));
    Dataset<Row> lateExtracts = lateRows(volumetrics, "extract_date", window).union(lateRows(config, "snapshot_date", window));
    // (account, day, date)s whose rollup a delivery after the date changed: a few a date.
    Dataset<Row> changedEvents = HeldFrames.hold(lateEvents.distinct());
    Dataset<Row> changed = HeldFrames.hold(changedEvents.union(lateExtracts).distinct());
    String[] key = {"account_id", "activity_date", "as_of_date"};

    Dataset<Row> reRolled = UserDayRollup.apply(events
        .join(broadcast(changedEvents.withColumnRenamed("activity_date", "event_date")), new String[] {"account_id", "event_date"})
        .where(col("ingest_date").leq(col("as_of_date")))
        .withColumn("account_id", versioned()), s.usage());
    Dataset<Row> userDays = DeltaIO.conform(published(in.userDays(), window, dates, userFirstDay, "user_first_day")
            .join(broadcast(changedEvents), key, "left_anti").withColumn("account_id", versioned()), EngagementTables.USER_DAY)
        .unionByName(DeltaIO.conform(reRolled, EngagementTables.USER_DAY));

    // A changed account-day may lie before the MAU window (the look-back is longer): its user-days.
    Dataset<Row> changedUserDays = DeltaIO.conform(in.userDays().where(within("activity_date", firstDay, dates))
            .join(broadcast(changed), new String[] {"account_id", "activity_date"})
            .join(broadcast(changedEvents), key, "left_anti").withColumn("account_id", versioned()), EngagementTables.USER_DAY)
        .unionByName(DeltaIO.conform(reRolled, EngagementTables.USER_DAY));
    Dataset<Row> reRolledAccountDays = AccountDayRollup.apply(changedUserDays,
        deliveredOn(volumetrics, "extract_date", changed), deliveredOn(config, "snapshot_date", changed));
    Dataset<Row> accountDays = DeltaIO.conform(published(in.accountDays(), window, dates, firstDay, "first_day")
            .join(broadcast(changed), key, "left_anti").withColumn("account_id", versioned()), EngagementTables.ACCOUNT_DAY)
        .unionByName(DeltaIO.conform(reRolledAccountDays, EngagementTables.ACCOUNT_DAY));
    return new Rollups(accountDays, userDays);
  }

  /** {@code column} within one of the ranges from {@code start} of a date to the date. */
  private static Column within(String column, Function<LocalDate, LocalDate> start, List<LocalDate> dates) {
    return dates.stream().map(d -> col(column).between(lit(Date.valueOf(start.apply(d))), lit(Date.valueOf(d))))
        .reduce(Column::or).orElse(lit(false));
  }

  /** A published rollup's rows once for each date whose window holds them, with that {@code as_of_date}. */
  private static Dataset<Row> published(Dataset<Row> rollup, Dataset<Row> window, List<LocalDate> dates,
      Function<LocalDate, LocalDate> firstDay, String firstDayColumn) {
    return rollup.where(within("activity_date", firstDay, dates))
        .join(window, col("activity_date").between(col(firstDayColumn), col("as_of_date")))
        .drop("first_day", "user_first_day", "late_from");
  }

  /** (account, day, date) of an extract's rows in a date's window delivered after the date. */
  private static Dataset<Row> lateRows(Dataset<Row> extract, String dateColumn, Dataset<Row> window) {
    return extract.join(window, col(dateColumn).between(col("first_day"), col("as_of_date"))
            .and(col("ingest_date").gt(col("as_of_date"))))
        .select(col("account_id"), col(dateColumn).as("activity_date"), col("as_of_date"));
  }

  /** The rows of an extract for the changed (account, day, date)s that were delivered by the date, versioned. */
  private static Dataset<Row> deliveredOn(Dataset<Row> extract, String dateColumn, Dataset<Row> changed) {
    return extract.join(broadcast(changed.select(col("account_id"), col("activity_date").as(dateColumn), col("as_of_date"))),
            new String[] {"account_id", dateColumn})
        .where(col("ingest_date").leq(col("as_of_date")))
        .withColumn("account_id", versioned());
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
}
