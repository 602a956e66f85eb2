package io.churnscope.jobs.engagement;

import io.churnscope.jobs.subscriptions.LicensedSeats;
import static io.churnscope.jobs.engagement.EngagementFixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Known answers for {@code marts.account_engagement} on 2026-10-31, worked out by hand: window
 * edges (7 days = 25–31 Oct, 14 = 18–31, 28 = 4–31, 30 = 2–31), licensed seats from versions, zero
 * seats, utilization readings, a decline exactly at the threshold, cadence per product.
 */
class AccountEngagementKnownAnswerTest extends SparkTestBase {
  static final LocalDate RUN = LocalDate.parse("2026-10-31");
  static final List<Row> EVENTS = new ArrayList<>();
  static Dataset<Row> userDays;
  static Dataset<Row> accountDays;
  static Dataset<Row> seats;

  static void active(String account, String user, String day, String name, String feature, int times) {
    for (int i = 0; i < times; i++) {
      EVENTS.add(EngagementFixtures.event("e" + EVENTS.size(), account, user, name, feature,
          day + "T10:" + String.format("%02d", i) + ":00Z"));
    }
  }

  @BeforeAll
  static void build() {
    // A: u1 on 31, 30 and 20 Oct; u2 on 25; u3 on 4 Oct (first day of the 28-day window); u4 on 3 Oct
    // (outside 28, inside 30); u5 only receives e-mail.
    active("A", "u1", "2026-10-31", "Report Viewed", "reports", 1);
    active("A", "u1", "2026-10-30", "Task Created", "tasks", 1);
    active("A", "u1", "2026-10-20", "Report Viewed", "reports", 1);
    active("A", "u2", "2026-10-25", "Report Viewed", "reports", 1);
    active("A", "u3", "2026-10-04", "Search Performed", "search", 1);
    active("A", "u4", "2026-10-03", "Export Requested", "exports", 1);
    active("A", "u5", "2026-10-31", "Email Sent", null, 3);
    // Z: no paid seats (a trial), u6 active on each of the 14 days.
    for (LocalDate d = RUN.minusDays(13); !d.isAfter(RUN); d = d.plusDays(1)) {
      active("Z", "u6", d.toString(), "Task Created", "tasks", 1);
    }
    // D: 10 active events in the prior week, 7 in the last: -30 %. E: 10 then 8: -20 %, not more.
    active("D", "u7", "2026-10-20", "Report Viewed", "reports", 10);
    active("D", "u7", "2026-10-28", "Report Viewed", "reports", 7);
    active("E", "u8", "2026-10-20", "Report Viewed", "reports", 10);
    active("E", "u8", "2026-10-28", "Report Viewed", "reports", 8);
    // G: two active users on one seat.
    active("G", "u9", "2026-10-31", "Report Viewed", "reports", 1);
    active("G", "u10", "2026-10-31", "Report Viewed", "reports", 1);

    userDays = UserDayRollup.apply(spark().createDataFrame(EVENTS, EngagementFixtures.EVENTS),
        EngagementRollupKnownAnswerTest.DEFAULTS).cache();
    accountDays = AccountDayRollup.apply(userDays, EngagementRollupKnownAnswerTest.emptyVolumetrics(),
        EngagementRollupKnownAnswerTest.emptyConfig()).cache();
    Dataset<Row> versions = spark().createDataFrame(List.of(
        // A: 2 seats, then 4 from 15 Oct; the analytics add-on repeats the seats and is not counted;
        // a second core subscription ending on the run date no longer counts on it.
        version("sA", 1, "A", "core", "active", 2, "10", "2026-09-01", null),
        version("sA", 2, "A", "core", "active", 4, "10", "2026-10-15", null),
        version("sA2", 1, "A", "analytics", "active", 4, "5", "2026-09-01", null),
        version("sA3", 1, "A", "core", "active", 10, "10", "2026-09-01", "2026-10-31"),
        version("sZ", 1, "Z", "core", "trialing", 5, "10", "2026-10-01", null),
        version("sD", 1, "D", "core", "active", 2, "10", "2026-09-01", null),
        version("sE", 1, "E", "core", "active", 2, "10", "2026-09-01", null),
        // F pays for a seat nobody uses.
        version("sF", 1, "F", "core", "active", 1, "10", "2026-09-01", null),
        version("sG", 1, "G", "core", "past_due", 1, "10", "2026-09-01", null)), EngagementFixtures.VERSIONS);
    seats = LicensedSeats.on(versions, RUN, List.of("core")).cache();
  }

  static Row snapshot(String account, EngagementSettings settings) {
    List<Row> rows = AccountEngagement.snapshot(accountDays, userDays, seats, RUN, settings)
        .where("account_id = '" + account + "'").collectAsList();
    assertEquals(1, rows.size(), "one row for " + account);
    return rows.get(0);
  }

  static BigDecimal ratio(String value) {
    return new BigDecimal(value).setScale(6);
  }

  @Test
  void windowsEndOnTheRunDateInclusive() {
    Row a = snapshot("A", EngagementRollupKnownAnswerTest.DEFAULTS);
    assertEquals(1L, a.<Long>getAs("dau"), "u1 on 31 Oct; u5's e-mails do not count");
    assertEquals(2L, a.<Long>getAs("wau"), "u1 and u2 (25 Oct is the 7th day)");
    assertEquals(3L, a.<Long>getAs("mau"), "u1, u2, u3 (4 Oct is the 28th day); u4 on 3 Oct is out");
    assertEquals(ratio("0.333333"), a.getAs("dau_mau"));
    assertEquals(4, a.<Integer>getAs("active_days_14"), "20, 25, 30, 31 Oct");
    assertEquals("weekly", a.getAs("frequency_band"));
    assertEquals(4L, a.<Long>getAs("licensed_seats"), "version 2 of the core subscription");
    assertEquals(ratio("0.75"), a.getAs("license_utilization"));
    assertEquals("healthy", a.getAs("utilization_reading"));
    assertEquals("medium", a.getAs("utilization_band"));
    assertEquals(3, a.<Integer>getAs("feature_breadth"), "reports, tasks, search");
    assertEquals("moderate", a.getAs("breadth_band"));
    assertEquals(3L, a.<Long>getAs("active_events_7d"));
    assertEquals(1L, a.<Long>getAs("active_events_prior_7d"));
    assertEquals(ratio("2"), a.getAs("trend_7d"));
    assertEquals("growing", a.getAs("trend_band"));
    assertEquals(5L, a.<Long>getAs("active_events_28d"));
    assertEquals(1L, a.<Long>getAs("active_events_prior_28d"), "u4 on 3 Oct");
    assertEquals(ratio("4"), a.getAs("trend_28d"));
    assertEquals(ratio("0.6"), a.getAs("top_user_share"), "u1 made 3 of the 5 active events");
    assertEquals("moderate", a.getAs("concentration_band"));
    assertEquals("daily", a.getAs("cadence"));
    assertEquals(1L, a.<Long>getAs("active_users"), "daily cadence: the DAU");
  }

  @Test
  void aThirtyDayMauWindowReachesOneDayFurther() {
    Row a = snapshot("A", EngagementFixtures.settings("engagement.mau-window-days", "30"));
    assertEquals(4L, a.<Long>getAs("mau"));
    assertEquals(ratio("1"), a.getAs("license_utilization"));
    assertEquals("upsell", a.getAs("utilization_reading"), "1.0 is not above 1: upsell, not grow");
    assertEquals("high", a.getAs("utilization_band"));
    assertEquals(4, a.<Integer>getAs("feature_breadth"), "exports on 3 Oct now in the window");
    assertEquals(ratio("0.5"), a.getAs("top_user_share"));
  }

  @Test
  void anAccountWithoutPaidSeatsHasNoUtilization() {
    Row z = snapshot("Z", EngagementRollupKnownAnswerTest.DEFAULTS);
    assertEquals(0L, z.<Long>getAs("licensed_seats"), "a trial licenses no seats");
    assertNull(z.getAs("license_utilization"));
    assertEquals("no_seats", z.getAs("utilization_reading"));
    assertEquals("no_seats", z.getAs("utilization_band"));
    assertEquals(14, z.<Integer>getAs("active_days_14"));
    assertEquals("daily", z.getAs("frequency_band"));
    assertEquals(ratio("0"), z.getAs("trend_7d"));
    assertEquals("stable", z.getAs("trend_band"));
    assertEquals("concentrated", z.getAs("concentration_band"), "one user makes all the use");
  }

  @Test
  void aDropOfMoreThanTwentyPercentRaisesTheDeclineFlagAndExactlyTwentyDoesNot() {
    Row d = snapshot("D", EngagementRollupKnownAnswerTest.DEFAULTS);
    assertEquals(ratio("-0.3"), d.getAs("trend_7d"));
    assertTrue(d.<Boolean>getAs("decline_flag"));
    assertEquals("declining", d.getAs("trend_band"));
    assertEquals(2, d.<Integer>getAs("active_days_14"));
    Row e = snapshot("E", EngagementRollupKnownAnswerTest.DEFAULTS);
    assertEquals(ratio("-0.2"), e.getAs("trend_7d"));
    assertFalse(e.<Boolean>getAs("decline_flag"));
    assertEquals("stable", e.getAs("trend_band"));
  }

  @Test
  void aPaidAccountWithoutUsageIsDormantAndAtAdoptionRisk() {
    Row f = snapshot("F", EngagementRollupKnownAnswerTest.DEFAULTS);
    assertEquals(0L, f.<Long>getAs("mau"));
    assertEquals(ratio("0"), f.getAs("license_utilization"));
    assertEquals("adoption_risk", f.getAs("utilization_reading"));
    assertEquals("low", f.getAs("utilization_band"));
    assertEquals("dormant", f.getAs("frequency_band"));
    assertEquals("none", f.getAs("breadth_band"));
    assertEquals("inactive", f.getAs("trend_band"));
    assertEquals("none", f.getAs("concentration_band"));
    assertNull(f.getAs("dau_mau"));
    assertFalse(f.<Boolean>getAs("decline_flag"));
  }

  @Test
  void moreActiveUsersThanSeatsReadsGrow() {
    Row g = snapshot("G", EngagementRollupKnownAnswerTest.DEFAULTS);
    assertEquals(1L, g.<Long>getAs("licensed_seats"), "past_due still licenses its seats");
    assertEquals(ratio("2"), g.getAs("license_utilization"));
    assertEquals("grow", g.getAs("utilization_reading"));
    assertEquals("moderate", g.getAs("concentration_band"), "each made 1 of 2 events: 0.5 is in [0.4, 0.7)");
  }

  @Test
  void theCadenceOfTheProductPicksTheActiveUsersAndTheStickiness() {
    EngagementSettings weeklyCore = EngagementFixtures.settings("engagement.cadence.by-product.core", "weekly");
    Row a = snapshot("A", weeklyCore);
    assertEquals("weekly", a.getAs("cadence"));
    assertEquals(2L, a.<Long>getAs("active_users"), "the WAU");
    assertEquals(ratio("0.666667"), a.getAs("stickiness"), "WAU / MAU = 2 / 3");
    Row z = snapshot("Z", weeklyCore);
    assertEquals("daily", z.getAs("cadence"), "no seat product in force: the default cadence");
    assertEquals(1L, z.<Long>getAs("active_users"));
  }
}
