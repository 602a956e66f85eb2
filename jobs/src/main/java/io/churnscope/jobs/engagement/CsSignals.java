package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code marts.cs_signals} of one run date: every customer-success signal with its call to action
 * (definitions in {@code docs/engagement.md}). Reads only bounded inputs, which the stage cuts:
 * {@code marts.user_day} of the longer of the window and the seat look-back, and the window's
 * {@code staged.usage_events} partitions, restricted to the events the sequence signals look at.
 */
public final class CsSignals {
  private CsSignals() {}

  /** The first day of marts.user_day that {@link #on} reads. */
  public static LocalDate userDaysFrom(LocalDate date, CsSignalSettings s) {
    return date.minusDays(Math.max(s.windowDays(), s.seatLookbackDays()) - 1L);
  }

  /** The first event_date of staged.usage_events that {@link #on} reads. */
  public static LocalDate eventsFrom(LocalDate date, CsSignalSettings s) {
    return date.minusDays(s.windowDays() - 1L);
  }

  /**
   * @param userDays {@code marts.user_day} from {@link #userDaysFrom} (other days are ignored)
   * @param events {@code staged.usage_events} from {@link #eventsFrom} (other days are ignored)
   * @param seats {@code subscriptions.LicensedSeats.on} the date
   * @param memberships {@code staged.user_accounts} (the look-back is cut here)
   */
  public static Dataset<Row> on(Dataset<Row> userDays, Dataset<Row> events, Dataset<Row> seats, Dataset<Row> memberships,
      LocalDate date, CsSignalSettings s, EngagementSettings engagement) {
    Dataset<Row> lookback = between(userDays, "activity_date", userDaysFrom(date, s), date);
    Dataset<Row> window = between(userDays, "activity_date", eventsFrom(date, s), date);
    Dataset<Row> sequences = between(events, "event_date", eventsFrom(date, s), date)
        .where(col("event_name").isin(s.sequenceEvents().toArray()));
    Dataset<Row> all = SeatSignals.unusedSeats(seats, lookback, s)
        .unionByName(SeatSignals.neverActive(memberships, lookback, date, s))
        .unionByName(UsageSignals.loginOnly(window, s, engagement.passiveEvents()))
        .unionByName(HelpLoops.apply(sequences, s))
        .unionByName(UsageSignals.heavyAdopters(window, s))
        .unionByName(UsageSignals.differentiatedFeatureUsers(window, s));
    for (CsSignalSettings.Funnel funnel : s.funnels()) {
      all = all.unionByName(FunnelAbandonment.apply(sequences, date, funnel));
    }
    return all.select(lit(Date.valueOf(date)).as("signal_date"), col("*"));
  }

  private static Dataset<Row> between(Dataset<Row> rows, String column, LocalDate from, LocalDate to) {
    return rows.where(col(column).between(lit(Date.valueOf(from)), lit(Date.valueOf(to))));
  }
}
