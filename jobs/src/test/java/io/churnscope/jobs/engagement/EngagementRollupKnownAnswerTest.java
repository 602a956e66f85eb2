package io.churnscope.jobs.engagement;

import static io.churnscope.jobs.engagement.EngagementFixtures.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Known answers for {@code marts.user_day} and {@code marts.account_day}, worked out by hand in the
 * comments: sessions (idle gap, cap, midnight), passive events, UTC dates, a user in two accounts.
 */
class EngagementRollupKnownAnswerTest extends SparkTestBase {
  static final EngagementSettings DEFAULTS = EngagementFixtures.settings();

  static Dataset<Row> events(Row... rows) {
    return spark().createDataFrame(List.of(rows), EngagementFixtures.EVENTS);
  }

  static Row userDay(Dataset<Row> userDays, String date, String account, String user) {
    List<Row> rows = userDays.where("activity_date = '" + date + "' AND account_id = '" + account + "' AND user_key = '" + user + "'")
        .collectAsList();
    assertEquals(1, rows.size(), "one user_day row for " + user + "@" + account + " on " + date);
    return rows.get(0);
  }

  @Test
  void anIdleGapOfMoreThanThirtyMinutesStartsANewSessionAndAddsNoTime() {
    // 10:00 → 10:10 (600 s) → 10:40 (a gap of exactly 30 min stays in the session: 1800 s)
    // → 11:20 (40 min: new session, adds nothing) → 11:25 (300 s). Two sessions, 2700 s.
    Dataset<Row> days = UserDayRollup.apply(events(
        event("e1", "A", "u1", "Report Viewed", "reports", "2026-10-01T10:00:00Z"),
        event("e2", "A", "u1", "Report Viewed", "reports", "2026-10-01T10:10:00Z"),
        event("e3", "A", "u1", "Task Created", "tasks", "2026-10-01T10:40:00Z"),
        event("e4", "A", "u1", "Search Performed", "search", "2026-10-01T11:20:00Z"),
        event("e5", "A", "u1", "Report Viewed", "reports", "2026-10-01T11:25:00Z")), DEFAULTS);
    Row u1 = userDay(days, "2026-10-01", "A", "u1");
    assertEquals(2, u1.<Integer>getAs("sessions"));
    assertEquals(2700L, u1.<Long>getAs("active_seconds"));
    assertEquals(5L, u1.<Long>getAs("events"));
    assertEquals(List.of("reports", "search", "tasks"), u1.getList(u1.fieldIndex("features")));
    assertEquals(Map.of("Report Viewed", 3L, "Task Created", 1L, "Search Performed", 1L),
        scala.jdk.javaapi.CollectionConverters.asJava(u1.<scala.collection.Map<String, Long>>getAs("events_by_name")));
  }

  @Test
  void aSessionIsCutAtItsMaximumLengthFromItsFirstEvent() {
    // No gap above 30 min, so one idle session: 09:00, 09:25, 09:50, 10:05, 10:20.
    Row[] rows = {
        event("e1", "A", "u1", "Report Viewed", "reports", "2026-10-01T09:00:00Z"),
        event("e2", "A", "u1", "Report Viewed", "reports", "2026-10-01T09:25:00Z"),
        event("e3", "A", "u1", "Report Viewed", "reports", "2026-10-01T09:50:00Z"),
        event("e4", "A", "u1", "Report Viewed", "reports", "2026-10-01T10:05:00Z"),
        event("e5", "A", "u1", "Report Viewed", "reports", "2026-10-01T10:20:00Z")};
    // Cap 24 h: one session of 80 min.
    Row uncapped = userDay(UserDayRollup.apply(events(rows), DEFAULTS), "2026-10-01", "A", "u1");
    assertEquals(1, uncapped.<Integer>getAs("sessions"));
    assertEquals(4800L, uncapped.<Long>getAs("active_seconds"));
    // Cap 60 min: 10:05 is 65 min after 09:00, so it opens a second session; the 09:50 → 10:05
    // interval crosses the cut and adds nothing: 25 + 25 + 15 min = 3900 s.
    Row capped = userDay(UserDayRollup.apply(events(rows),
        EngagementFixtures.settings("engagement.session.max-length-minutes", "60")), "2026-10-01", "A", "u1");
    assertEquals(2, capped.<Integer>getAs("sessions"));
    assertEquals(3900L, capped.<Long>getAs("active_seconds"));
  }

  @Test
  void passiveEventsNeitherActivateAUserNorBridgeAnIdleGap() {
    Dataset<Row> days = UserDayRollup.apply(events(
        // u1: active 10:00, an e-mail at 10:20, active 10:45: the active events are 45 min apart,
        // so two sessions and no active time, whatever the e-mail in between.
        event("e1", "A", "u1", "Report Viewed", "reports", "2026-10-01T10:00:00Z"),
        event("e2", "A", "u1", "Email Sent", null, "2026-10-01T10:20:00Z"),
        event("e3", "A", "u1", "Task Created", "tasks", "2026-10-01T10:45:00Z"),
        // u2 only received things: seen, not active.
        event("e4", "A", "u2", "Email Sent", null, "2026-10-01T08:00:00Z"),
        event("e5", "A", "u2", "Digest Sent", "reports", "2026-10-01T08:01:00Z")), DEFAULTS);
    Row u1 = userDay(days, "2026-10-01", "A", "u1");
    assertEquals(2, u1.<Integer>getAs("sessions"));
    assertEquals(0L, u1.<Long>getAs("active_seconds"));
    assertEquals(3L, u1.<Long>getAs("events"));
    assertEquals(2L, u1.<Long>getAs("active_events"));
    Row u2 = userDay(days, "2026-10-01", "A", "u2");
    assertFalse(u2.<Boolean>getAs("is_active"));
    assertEquals(2L, u2.<Long>getAs("events"));
    assertEquals(0L, u2.<Long>getAs("active_events"));
    assertEquals(0, u2.<Integer>getAs("sessions"));
    assertTrue(u2.getList(u2.fieldIndex("features")).isEmpty(), "a digest about reports is not use of reports");

    Row account = AccountDayRollup.apply(days, emptyVolumetrics(), emptyConfig()).first();
    assertEquals(1L, account.<Long>getAs("active_users"));
    assertEquals(2L, account.<Long>getAs("users_seen"));
    assertEquals(5L, account.<Long>getAs("events"));
    assertEquals(2L, account.<Long>getAs("active_events"));
  }

  @Test
  void daysAreUtcDaysAndSessionsAreCutAtUtcMidnight() {
    Dataset<Row> days = UserDayRollup.apply(events(
        // 01:30 in Berlin summer time is 23:30 UTC the day before.
        event("e1", "A", "u1", "Report Viewed", "reports", "2026-10-02T01:30:00+02:00"),
        event("e2", "A", "u1", "Report Viewed", "reports", "2026-10-01T23:50:00Z"),
        event("e3", "A", "u1", "Report Viewed", "reports", "2026-10-02T00:10:00Z"),
        event("e4", "A", "u1", "Report Viewed", "reports", "2026-10-02T00:15:00Z")), DEFAULTS);
    // 1 Oct: 23:30 → 23:50 = 1200 s, one session. 2 Oct: a new session at midnight; 00:10 → 00:15 = 300 s.
    Row first = userDay(days, "2026-10-01", "A", "u1");
    assertEquals(2L, first.<Long>getAs("events"));
    assertEquals(1, first.<Integer>getAs("sessions"));
    assertEquals(1200L, first.<Long>getAs("active_seconds"));
    Row second = userDay(days, "2026-10-02", "A", "u1");
    assertEquals(2L, second.<Long>getAs("events"));
    assertEquals(1, second.<Integer>getAs("sessions"));
    assertEquals(300L, second.<Long>getAs("active_seconds"));
  }

  @Test
  void aUserWhoMovesAccountIsCountedInEachAccountForItsOwnEvents() {
    Dataset<Row> days = UserDayRollup.apply(events(
        event("e1", "A", "u3", "Report Viewed", "reports", "2026-10-01T10:00:00Z"),
        event("e2", "A", "u3", "Report Viewed", "reports", "2026-10-01T10:05:00Z"),
        event("e3", "B", "u3", "Task Created", "tasks", "2026-10-01T10:10:00Z"),
        event("e4", "B", "u3", "Task Created", "tasks", "2026-10-01T10:15:00Z")), DEFAULTS);
    // A session belongs to one account: the move starts a new one (the 10:05 → 10:10 step counts nowhere).
    for (String account : List.of("A", "B")) {
      Row row = userDay(days, "2026-10-01", account, "u3");
      assertEquals(1, row.<Integer>getAs("sessions"), account);
      assertEquals(300L, row.<Long>getAs("active_seconds"), account);
      assertEquals(2L, row.<Long>getAs("active_events"), account);
    }
    Dataset<Row> accounts = AccountDayRollup.apply(days, emptyVolumetrics(), emptyConfig());
    assertEquals(2, accounts.where("active_users = 1").count());
  }

  @Test
  void accountDaysAddVolumetricsAndConfigurationAndKeepAccountsWithoutEvents() {
    Dataset<Row> days = UserDayRollup.apply(events(
        event("e1", "A", "u1", "Report Viewed", "reports", "2026-10-01T10:00:00Z"),
        event("e2", "A", "u2", "Task Created", "tasks", "2026-10-01T11:00:00Z"),
        event("e3", "A", "u2", "Report Viewed", "reports", "2026-10-01T11:01:00Z")), DEFAULTS);
    Dataset<Row> volumetrics = spark().createDataFrame(List.of(
        EngagementFixtures.volumetrics("A", "2026-10-01", "task", 4),
        EngagementFixtures.volumetrics("A", "2026-10-01", "report", 2),
        EngagementFixtures.volumetrics("C", "2026-10-01", "task", 7)), EngagementFixtures.VOLUMETRICS);
    Dataset<Row> config = spark().createDataFrame(List.of(
        EngagementFixtures.config("A", "2026-10-01", "sso", true),
        EngagementFixtures.config("A", "2026-10-01", "api_access", false),
        EngagementFixtures.config("A", "2026-10-01", "two_factor", true)), EngagementFixtures.CONFIG);
    Dataset<Row> accounts = AccountDayRollup.apply(days, volumetrics, config);
    Row a = accounts.where("account_id = 'A'").first();
    assertEquals(2L, a.<Long>getAs("active_users"));
    assertEquals(3L, a.<Long>getAs("events"));
    assertEquals(List.of("reports", "tasks"), a.getList(a.fieldIndex("features")));
    assertEquals(Map.of("Report Viewed", 2L, "Task Created", 1L),
        scala.jdk.javaapi.CollectionConverters.asJava(a.<scala.collection.Map<String, Long>>getAs("events_by_name")));
    assertEquals(2L, a.<Long>getAs("sessions"));
    assertEquals(60L, a.<Long>getAs("active_seconds"));
    assertEquals(6L, a.<Long>getAs("records_created"));
    assertEquals(2, a.<Integer>getAs("settings_enabled"));
    Row c = accounts.where("account_id = 'C'").first();
    assertFalse(c.<Boolean>getAs("is_active"));
    assertEquals(0L, c.<Long>getAs("events"));
    assertEquals(7L, c.<Long>getAs("records_created"));
    assertTrue(c.isNullAt(c.fieldIndex("settings_enabled")));
  }

  static Dataset<Row> emptyVolumetrics() {
    return spark().createDataFrame(List.of(), EngagementFixtures.VOLUMETRICS);
  }

  static Dataset<Row> emptyConfig() {
    return spark().createDataFrame(List.of(), EngagementFixtures.CONFIG);
  }
}
