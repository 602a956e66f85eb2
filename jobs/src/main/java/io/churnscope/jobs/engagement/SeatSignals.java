package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Licensed seats never used. Both signals read only the {@code seat-lookback-days} of
 * {@code marts.user_day} ending on the run date, so "never" means "not in the look-back": the cost
 * does not grow with the history (a seat idle for longer than the look-back is unused all the same).
 */
final class SeatSignals {
  private SeatSignals() {}

  /**
   * {@code unused_seats} (account): licensed seats above the distinct users active in the look-back.
   * High severity when at least half the seats are unused (a renewal at risk of a downsell).
   *
   * @param seats {@code subscriptions.LicensedSeats.on} the run date
   * @param userDays {@code marts.user_day} of the look-back
   */
  static Dataset<Row> unusedSeats(Dataset<Row> seats, Dataset<Row> userDays, CsSignalSettings s) {
    Dataset<Row> used = userDays.where(col("is_active")).groupBy("account_id")
        .agg(count_distinct(col("user_key")).as("active_users"));
    Dataset<Row> rows = seats.join(used, Joins.on("account_id"), "left")
        .withColumn("active_users", coalesce(col("active_users"), lit(0L)))
        .withColumn("unused", col("licensed_seats").minus(col("active_users")))
        .where(col("unused").gt(0));
    return CsSignal.of(rows, CsSignal.UNUSED_SEATS, lit(null), lit(null), col("unused"),
        format_string("%d of %d licensed seats unused: %d users active in the last %d days",
            col("unused"), col("licensed_seats"), col("active_users"), lit(s.seatLookbackDays())),
        when(col("unused").multiply(2).geq(col("licensed_seats")), lit(CsSignal.HIGH)).otherwise(lit(CsSignal.MEDIUM)),
        lit("Run an onboarding campaign for the unused seats: ask the admin to invite the remaining users and send "
            + "getting-started content; review the seat count with the account before renewal."));
  }

  /**
   * {@code user_never_active} (user): users provisioned into an account ({@code staged.user_accounts},
   * their latest group call in the look-back) at least {@code provisioned-grace-days} before the run
   * date, without an active event in that account since. The value is the days since provisioning.
   *
   * @param memberships {@code staged.user_accounts} rows with {@code valid_from} in the look-back
   */
  static Dataset<Row> neverActive(Dataset<Row> memberships, Dataset<Row> userDays, LocalDate date, CsSignalSettings s) {
    Timestamp from = midnightUtc(date.minusDays(s.seatLookbackDays() - 1L));
    Timestamp graceEnds = midnightUtc(date.plusDays(1).minusDays(s.provisionedGraceDays()));
    Dataset<Row> latest = memberships.where(col("valid_from").geq(lit(from)))
        .groupBy("user_key")
        .agg(max_by(struct(col("account_id"), col("valid_from")), col("valid_from")).as("m"))
        .select(col("user_key"), col("m.account_id").as("account_id"), col("m.valid_from").as("valid_from"))
        .where(col("valid_from").lt(lit(graceEnds)));
    Dataset<Row> activeSince = userDays.where(col("is_active"))
        .select(col("account_id"), col("user_key"), col("last_active_ts"));
    Dataset<Row> never = latest.join(activeSince, latest.col("account_id").equalTo(activeSince.col("account_id"))
            .and(latest.col("user_key").equalTo(activeSince.col("user_key")))
            .and(activeSince.col("last_active_ts").geq(latest.col("valid_from"))), "left_anti");
    Column days = datediff(lit(Date.valueOf(date)), col("valid_from"));
    return CsSignal.of(never, CsSignal.USER_NEVER_ACTIVE, col("user_key"), lit(null), days,
        format_string("provisioned on %s (%d days ago), no active event since",
            col("valid_from").cast("date").cast("string"), days),
        lit(CsSignal.MEDIUM),
        lit("Send the user a getting-started email and ask the account admin to walk them through their first task."));
  }

  static Timestamp midnightUtc(LocalDate day) {
    return Timestamp.from(day.atStartOfDay(ZoneOffset.UTC).toInstant());
  }
}
