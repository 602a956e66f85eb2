package io.churnscope.jobs.engagement;

import io.churnscope.jobs.subscriptions.LicensedSeats;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The account engagement snapshot of one date, from the daily rollups only (never the events):
 * {@code marts.account_day} of the {@link #LOOKBACK_DAYS} days ending on the date and
 * {@code marts.user_day} of the MAU window, with licensed seats from {@link LicensedSeats}.
 * Every window ends on the snapshot date, inclusive: "7 days" is {@code [date - 6, date]}.
 */
public final class AccountEngagement {
  /** The longest look-back: the 28 days of the 28-day trend and the 28 before them. */
  public static final int LOOKBACK_DAYS = 56;

  private AccountEngagement() {}

  /** The first activity_date of marts.account_day that {@link #snapshot} reads. */
  public static LocalDate accountDaysFrom(LocalDate date) {
    return date.minusDays(LOOKBACK_DAYS - 1);
  }

  /** The first activity_date of marts.user_day that {@link #snapshot} reads. */
  public static LocalDate userDaysFrom(LocalDate date, EngagementSettings s) {
    return date.minusDays(s.mauWindowDays() - 1L);
  }

  /**
   * The first activity_date that {@link #at} reads for a key dated {@code date}: the first day of its
   * longest window (the look-back of account_day or the MAU window of user_day, whichever is longer).
   */
  public static LocalDate firstDayRead(LocalDate date, EngagementSettings s) {
    LocalDate accountDays = accountDaysFrom(date);
    LocalDate userDays = userDaysFrom(date, s);
    return accountDays.isBefore(userDays) ? accountDays : userDays;
  }

  /**
   * @param accountDays {@code marts.account_day} rows (the stage reads only {@link #accountDaysFrom} to the
   *     date; other days are ignored here too)
   * @param userDays {@code marts.user_day} rows (likewise from {@link #userDaysFrom})
   * @param seats {@link LicensedSeats#on} the date
   * @return one row per account with an account_day row in the look-back or paid seats on the date
   */
  public static Dataset<Row> snapshot(Dataset<Row> accountDays, Dataset<Row> userDays, Dataset<Row> seats,
      LocalDate date, EngagementSettings s) {
    Column day = lit(Date.valueOf(date));
    Dataset<Row> inWindow = accountDays.where(col("activity_date")
        .between(lit(Date.valueOf(accountDaysFrom(date))), day));
    Dataset<Row> keys = inWindow.select("account_id").union(seats.select("account_id")).distinct()
        .withColumn("as_of_date", day);
    return at(keys, inWindow, userDays, seats.withColumn("as_of_date", day), s)
        .withColumnRenamed("as_of_date", "snapshot_date");
  }

  /**
   * The same measures for many (account, date) keys at once — the dated account attributes ask for
   * the usage bands 30 days before each renewal. Every window ends on the key's {@code as_of_date};
   * account_day and user_day rows are range-joined to the keys of their account.
   *
   * @param keys {@code account_id, as_of_date}, distinct; the output has one row per key
   * @param accountDays {@code marts.account_day}; only days from {@link #firstDayRead} of the earliest key to the
   *     latest key count, so a caller may pass just those (a literal range on the partition column)
   * @param userDays {@code marts.user_day}; likewise
   * @param seats {@link LicensedSeats#at} the keys (account_id, as_of_date, licensed_seats, product)
   * @return the snapshot's columns with {@code as_of_date} in place of {@code snapshot_date}
   */
  public static Dataset<Row> at(Dataset<Row> keys, Dataset<Row> accountDays, Dataset<Row> userDays, Dataset<Row> seats,
      EngagementSettings s) {
    Column day = col("activity_date");
    Column date = col("as_of_date");
    Column mauFrom = date_sub(date, s.mauWindowDays() - 1);
    Dataset<Row> k = keys.select(col("account_id").as("k_account_id"), col("as_of_date"));
    Dataset<Row> lookBack = accountDays.join(k, col("k_account_id").equalTo(col("account_id"))
        .and(day.between(date_sub(date, LOOKBACK_DAYS - 1), date)));
    Dataset<Row> daily = lookBack.groupBy("account_id", "as_of_date").agg(
        sum(when(day.equalTo(date), col("active_users")).otherwise(lit(0L))).as("dau"),
        count_if(col("is_active").and(day.geq(since(date, 14)))).cast("int").as("active_days_14"),
        activeEventsBetween(date, 0, 7).as("active_events_7d"),
        activeEventsBetween(date, 7, 7).as("active_events_prior_7d"),
        activeEventsBetween(date, 0, 28).as("active_events_28d"),
        activeEventsBetween(date, 28, 28).as("active_events_prior_28d"),
        sum(when(day.geq(mauFrom), col("records_created")).otherwise(lit(0L))).as("records_created_window"),
        max_by(when(day.geq(mauFrom), col("settings_enabled")), when(col("settings_enabled").isNotNull()
            .and(day.geq(mauFrom)), day)).as("settings_enabled"));

    Dataset<Row> active = userDays.where(col("is_active"))
        .join(k, col("k_account_id").equalTo(col("account_id")).and(day.between(mauFrom, date)));
    Dataset<Row> perUser = active.groupBy("account_id", "as_of_date", "user_key")
        .agg(sum("active_events").as("user_events"));
    Dataset<Row> concentration = perUser.groupBy("account_id", "as_of_date")
        .agg(UsageBands.ratio(max("user_events"), sum("user_events")).as("top_user_share"));
    Dataset<Row> users = active.groupBy("account_id", "as_of_date").agg(
        count_distinct(col("user_key")).as("mau"),
        count_distinct(when(day.geq(since(date, 7)), col("user_key"))).as("wau"),
        size(array_distinct(flatten(collect_list("features")))).as("feature_breadth"));

    String[] key = {"account_id", "as_of_date"};
    Dataset<Row> joined = keys.select("account_id", "as_of_date")
        .join(daily, key, "left")
        .join(users, key, "left")
        .join(concentration, key, "left")
        .join(seats.select("account_id", "as_of_date", "licensed_seats", "product"), key, "left");
    return withMeasures(joined, s);
  }

  private static Dataset<Row> withMeasures(Dataset<Row> joined, EngagementSettings s) {
    Column dau = coalesce(col("dau"), lit(0L));
    Column wau = coalesce(col("wau"), lit(0L));
    Column mau = coalesce(col("mau"), lit(0L));
    Column seats = coalesce(col("licensed_seats"), lit(0L));
    // A column, not a literal: with no per-product cadence, comparing two literals would warn.
    joined = joined.withColumn("cadence", cadence(col("product"), s));
    Column cadence = col("cadence");
    Column utilization = UsageBands.ratio(mau, when(seats.gt(0), seats));
    Column recent7 = coalesce(col("active_events_7d"), lit(0L));
    Column prior7 = coalesce(col("active_events_prior_7d"), lit(0L));
    Column recent28 = coalesce(col("active_events_28d"), lit(0L));
    Column prior28 = coalesce(col("active_events_prior_28d"), lit(0L));
    Column trend7 = UsageBands.ratio(recent7.minus(prior7), when(prior7.gt(0), prior7));
    Column trend28 = UsageBands.ratio(recent28.minus(prior28), when(prior28.gt(0), prior28));
    Column activeDays = coalesce(col("active_days_14"), lit(0));
    Column breadth = coalesce(col("feature_breadth"), lit(0));
    return joined.select(
        col("as_of_date"),
        col("account_id"), col("product"), cadence,
        dau.as("dau"), wau.as("wau"), mau.as("mau"), lit(s.mauWindowDays()).as("mau_window_days"),
        UsageBands.ratio(dau, when(mau.gt(0), mau)).as("dau_mau"),
        when(cadence.equalTo("daily"), UsageBands.ratio(dau, when(mau.gt(0), mau)))
            .when(cadence.equalTo("weekly"), UsageBands.ratio(wau, when(mau.gt(0), mau))).as("stickiness"),
        when(cadence.equalTo("daily"), dau).when(cadence.equalTo("weekly"), wau).otherwise(mau).as("active_users"),
        activeDays.as("active_days_14"),
        UsageBands.frequency(activeDays, s).as("frequency_band"),
        seats.as("licensed_seats"),
        utilization.as("license_utilization"),
        UsageBands.utilizationReading(utilization, s).as("utilization_reading"),
        UsageBands.utilization(utilization, s).as("utilization_band"),
        breadth.as("feature_breadth"),
        UsageBands.breadth(breadth, s).as("breadth_band"),
        recent7.as("active_events_7d"), prior7.as("active_events_prior_7d"), trend7.as("trend_7d"),
        coalesce(trend7.lt(-s.declineThreshold()), lit(false)).as("decline_flag"),
        recent28.as("active_events_28d"), prior28.as("active_events_prior_28d"), trend28.as("trend_28d"),
        coalesce(trend28.lt(-s.declineThreshold()), lit(false)).as("decline_flag_28d"),
        UsageBands.trend(recent7, prior7, trend7, s).as("trend_band"),
        col("top_user_share"),
        UsageBands.concentration(col("top_user_share"), s).as("concentration_band"),
        coalesce(col("records_created_window"), lit(0L)).as("records_created_window"),
        col("settings_enabled"));
  }

  /** Active events on the {@code days} days ending {@code offset} days before the key's date. */
  private static Column activeEventsBetween(Column date, int offset, int days) {
    Column to = date_sub(date, offset);
    Column day = col("activity_date");
    return sum(when(day.between(date_sub(to, days - 1), to), col("active_events")).otherwise(lit(0L)));
  }

  /** The first day of the {@code days}-day window ending on the key's date. */
  private static Column since(Column date, int days) {
    return date_sub(date, days - 1);
  }

  private static Column cadence(Column product, EngagementSettings s) {
    Column cadence = lit(s.defaultCadence());
    for (Map.Entry<String, String> e : s.cadenceByProduct().entrySet()) {
      cadence = when(product.equalTo(e.getKey()), lit(e.getValue())).otherwise(cadence);
    }
    return cadence;
  }
}
