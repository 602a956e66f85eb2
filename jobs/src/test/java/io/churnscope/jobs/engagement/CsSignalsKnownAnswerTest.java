package io.churnscope.jobs.engagement;

import static io.churnscope.jobs.engagement.EngagementFixtures.event;
import static io.churnscope.jobs.engagement.EngagementFixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.jobs.subscriptions.LicensedSeats;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code marts.cs_signals} on hand-built events, run date 2026-10-31, window 14 days (18–31 Oct),
 * seat look-back 90, grace 7 days (provisioned before 25 Oct), loops within 30 min, the setup wizard
 * (5 steps) within 3 days (started before 29 Oct); heavy adopters: 2+ active days, top 10 %;
 * differentiated features automation and integrations on 2+ days. Every expected row is worked out
 * in the comments; every user not listed there is a negative case.
 */
class CsSignalsKnownAnswerTest extends SparkTestBase {
  static final LocalDate RUN = LocalDate.parse("2026-10-31");
  static final List<Row> EVENTS = new ArrayList<>();
  static Dataset<Row> signals;
  static Dataset<Row> events;
  static Dataset<Row> userDays;
  static Dataset<Row> versions;
  static Dataset<Row> memberships;
  static int ids;

  static final Map<String, String> OVERRIDES = Map.of(
      "engagement.cs-signals.heavy-adopters.min-active-days", "2",
      "engagement.cs-signals.heavy-adopters.top-share", "0.1",
      "engagement.cs-signals.differentiated.min-days", "2");

  static void at(String account, String user, String name, String feature, String when) {
    EVENTS.add(event("e" + ++ids, account, user, name, feature, when));
  }

  static void wizard(String account, String user, String when, String... steps) {
    Instant t = Instant.parse(when);
    for (String step : steps) {
      at(account, user, step, "admin", t.toString());
      t = t.plusSeconds(60);
    }
  }

  static final String STARTED = "Wizard Started";
  static final String STEP = "Wizard Step Completed";
  static final String DONE = "Wizard Completed";

  @BeforeAll
  static void compute() {
    // Seats. S: 3 seats, users s1 (active 30 Oct) and s4 (active 6 Oct) → 1 unused of 3: medium.
    // H: 4 seats, nobody active → 4 of 4 unused: high (half or more).
    at("S", "s1", "Report Viewed", "reports", "2026-10-30T10:00:00Z");
    at("S", "s4", "Report Viewed", "reports", "2026-10-06T10:00:00Z");
    versions = spark().createDataFrame(List.of(
        version("sS", 1, "S", "core", "active", 3, "10", "2026-09-01", null),
        version("sH", 1, "H", "core", "active", 4, "10", "2026-09-01", null)), EngagementFixtures.VERSIONS);
    // Provisioned: s2 on 1 Oct, never active → never active, 30 days. s3 on 28 Oct: inside the grace.
    // s4 on 5 Oct, active on 6 Oct: not.
    memberships = spark().createDataFrame(List.of(
        member("s2", "S", "2026-10-01T12:00:00Z"), member("s3", "S", "2026-10-28T12:00:00Z"),
        member("s4", "S", "2026-10-05T12:00:00Z")), StagedTables.USER_ACCOUNTS.schema());

    // Login only. l1: signs in on 29 Oct (track, server log, dashboard page; an e-mail is passive) and
    // on 30 Oct → 2 days. l2 also views a report: not.
    at("L", "l1", "Signed In", "auth", "2026-10-29T09:00:00Z");
    at("L", "l1", "auth.login", "auth", "2026-10-29T09:00:00Z");
    at("L", "l1", "Dashboard", null, "2026-10-29T09:00:05Z");
    at("L", "l1", "Email Sent", null, "2026-10-29T12:00:00Z");
    at("L", "l1", "Signed In", "auth", "2026-10-30T09:00:00Z");
    at("L", "l2", "Signed In", "auth", "2026-10-30T09:00:00Z");
    at("L", "l2", "Report Viewed", "reports", "2026-10-30T09:01:00Z");

    // Funnels (deadline: started on or before 28 Oct 24:00).
    // f1: stops after the second step (3 of 5 reached) → abandoned, 3.
    wizard("F", "f1", "2026-10-20T10:00:00Z", STARTED, STEP, STEP);
    // f2: finishes on 22 Oct, within its 3 days → not abandoned.
    wizard("F", "f2", "2026-10-20T10:00:00Z", STARTED, STEP, STEP, STEP);
    wizard("F", "f2", "2026-10-22T09:00:00Z", DONE);
    // f3: started 30 Oct, still within its 3 days → not judged.
    wizard("F", "f3", "2026-10-30T10:00:00Z", STARTED);
    // f4: finishes on 27 Oct, late but by the run date: it finished → not abandoned.
    wizard("F", "f4", "2026-10-20T10:00:00Z", STARTED, STEP, STEP, STEP);
    wizard("F", "f4", "2026-10-27T10:00:00Z", DONE);
    // f5: "completes" without the steps: out of order, only the start counts → abandoned, 1.
    wizard("F", "f5", "2026-10-21T10:00:00Z", STARTED, DONE);
    // f6: abandons on 19 Oct, restarts and finishes on 24 Oct: the latest start is judged → not abandoned.
    wizard("F", "f6", "2026-10-19T10:00:00Z", STARTED, STEP);
    wizard("F", "f6", "2026-10-24T10:00:00Z", STARTED, STEP, STEP, STEP, DONE);
    // f7: started on 10 Oct, before the window: not read.
    wizard("F", "f7", "2026-10-10T10:00:00Z", STARTED);

    // Help loops. p1: task → help → task (10 min) on 25 Oct, and again on 26 Oct with two help
    // articles in between (one loop) → 2 loops, medium.
    at("P", "p1", "Task Started", "tasks", "2026-10-25T10:00:00Z");
    at("P", "p1", "Help Article Viewed", "help", "2026-10-25T10:05:00Z");
    at("P", "p1", "Task Started", "tasks", "2026-10-25T10:10:00Z");
    at("P", "p1", "Task Started", "tasks", "2026-10-26T09:00:00Z");
    at("P", "p1", "Help Article Viewed", "help", "2026-10-26T09:02:00Z");
    at("P", "p1", "Help Article Viewed", "help", "2026-10-26T09:03:00Z");
    at("P", "p1", "Task Started", "tasks", "2026-10-26T09:06:00Z");
    // p2: a different task after the help → not a loop.
    at("P", "p2", "Task Started", "tasks", "2026-10-25T10:00:00Z");
    at("P", "p2", "Help Article Viewed", "help", "2026-10-25T10:05:00Z");
    at("P", "p2", "Report Created", "reports", "2026-10-25T10:10:00Z");
    // ... and later the same day a loop it then finishes (Task Completed after the second start) → not a loop.
    at("P", "p2", "Task Started", "tasks", "2026-10-25T11:00:00Z");
    at("P", "p2", "Help Article Viewed", "help", "2026-10-25T11:05:00Z");
    at("P", "p2", "Task Started", "tasks", "2026-10-25T11:10:00Z");
    at("P", "p2", "Task Completed", "tasks", "2026-10-25T11:20:00Z");
    // p3: back to the task after 45 min, above the 30 → not a loop.
    at("P", "p3", "Task Started", "tasks", "2026-10-25T10:00:00Z");
    at("P", "p3", "Help Article Viewed", "help", "2026-10-25T10:05:00Z");
    at("P", "p3", "Task Started", "tasks", "2026-10-25T10:45:00Z");
    // p4: a report view and a page between them change nothing → 1 loop, low.
    at("P", "p4", "Task Started", "tasks", "2026-10-25T10:00:00Z");
    at("P", "p4", "Report Viewed", "reports", "2026-10-25T10:01:00Z");
    at("P", "p4", "Help Article Viewed", "help", "2026-10-25T10:05:00Z");
    at("P", "p4", "Tasks", null, "2026-10-25T10:06:00Z");
    at("P", "p4", "Task Started", "tasks", "2026-10-25T10:07:00Z");

    // Heavy adopters. Users with 2+ active days: e1 (30 active events), e2, e3 (4), e4 (2), l1 (4),
    // p1 (7), d1 (3), f2, f4, f6 (5, 6, 7 events) — 10 users; the 90th percentile is the 9th of them (7):
    // above it, e1 alone (p1 and f6, at it, are not).
    for (int i = 0; i < 15; i++) {
      at("E", "e1", "Report Viewed", "reports", "2026-10-28T10:" + String.format("%02d", i) + ":00Z");
      at("E", "e1", "Report Viewed", "reports", "2026-10-29T10:" + String.format("%02d", i) + ":00Z");
    }
    for (String user : List.of("e2", "e3")) {
      for (String day : List.of("2026-10-28", "2026-10-29")) {
        at("E", user, "Report Viewed", "reports", day + "T10:00:00Z");
        at("E", user, "Report Viewed", "reports", day + "T10:01:00Z");
      }
    }
    at("E", "e4", "Report Viewed", "reports", "2026-10-28T10:00:00Z");
    at("E", "e4", "Report Viewed", "reports", "2026-10-29T10:00:00Z");

    // Differentiated features. d1: automation on 27 Oct, automation and integrations on 28 Oct → 2 days.
    // d2: automation on one day only → not.
    at("D", "d1", "Automation Run", "automation", "2026-10-27T10:00:00Z");
    at("D", "d1", "Automation Run", "automation", "2026-10-28T10:00:00Z");
    at("D", "d1", "Integration Synced", "integrations", "2026-10-28T10:05:00Z");
    at("D", "d2", "Automation Run", "automation", "2026-10-28T10:00:00Z");

    EngagementSettings engagement = EngagementFixtures.settings();
    CsSignalSettings settings = CsSignalSettings.from(ChurnscopeConfig.load(null, OVERRIDES));
    events = spark().createDataFrame(EVENTS, EngagementFixtures.EVENTS).cache();
    userDays = UserDayRollup.apply(events, engagement).cache();
    signals = CsSignals.on(userDays, events, LicensedSeats.on(versions, RUN, engagement.seatProducts()), memberships,
        RUN, settings, engagement).cache();
  }

  @AfterAll
  static void release() {
    signals.unpersist();
  }

  static Row member(String user, String account, String validFrom) {
    Instant t = Instant.parse(validFrom);
    return RowFactory.create("g-" + user, user, account, Timestamp.from(t), Date.valueOf(validFrom.substring(0, 10)),
        "fixture");
  }

  static Row signal(String account, String user, String type, String subject, long value, String severity) {
    return RowFactory.create(account, user, type, subject, value, severity);
  }

  @Test
  void everySignalTypeFindsExactlyItsUsersAndAccounts() {
    DatasetAssertions.assertSameRows(List.of(
        signal("S", null, "unused_seats", null, 1, "medium"),
        signal("H", null, "unused_seats", null, 4, "high"),
        signal("S", "s2", "user_never_active", null, 30, "medium"),
        signal("L", "l1", "login_only", null, 2, "medium"),
        signal("F", "f1", "funnel_abandoned", "setup_wizard", 3, "medium"),
        signal("F", "f5", "funnel_abandoned", "setup_wizard", 1, "medium"),
        signal("P", "p1", "help_loop", "Task Started", 2, "medium"),
        signal("P", "p4", "help_loop", "Task Started", 1, "low"),
        signal("E", "e1", "heavy_adopter", null, 30, "low"),
        signal("D", "d1", "differentiated_feature_user", "automation,integrations", 2, "low")),
        signals.select("account_id", "user_key", "signal_type", "subject", "evidence_value", "severity").collectAsList());
  }

  @Test
  void theEvidenceSaysWhatWasSeenAndEverySignalIsDatedAndGated() {
    assertEquals("started setup_wizard on 2026-10-20, stopped after step 3 of 5 (Wizard Step Completed), "
        + "not finished within 3 days", text("f1", "funnel_abandoned"));
    assertEquals("1 of 3 licensed seats unused: 2 users active in the last 90 days",
        signals.where("account_id = 'S' AND signal_type = 'unused_seats'").first().getAs("evidence"));
    assertEquals("provisioned on 2026-10-01 (30 days ago), no active event since", text("s2", "user_never_active"));
    assertEquals("2 times went from Task Started to help and back to it within 30 minutes", text("p1", "help_loop"));
    assertEquals(List.of(Date.valueOf(RUN)), signals.select("signal_date").distinct().as(
        org.apache.spark.sql.Encoders.DATE()).collectAsList());
    CsSignalsStage.gate().enforce(signals);
  }

  /** The stage's own reads and write; the slowest test here (Delta tables on disk), so it runs the stage twice only. */
  @Test
  void theStagePublishesTheRunDateAndARerunReplacesIt(@TempDir Path dir) {
    Lake lake = new Lake(dir.toString());
    DeltaIO.append(spark(), lake, StagedTables.USAGE_EVENTS, events);
    DeltaIO.append(spark(), lake, StagedTables.SUBSCRIPTION_VERSIONS, versions);
    DeltaIO.append(spark(), lake, StagedTables.USER_ACCOUNTS, memberships);
    DeltaIO.overwrite(spark(), lake, EngagementTables.USER_DAY, userDays);
    ChurnscopeConfig config = ChurnscopeConfig.load(null, OVERRIDES);
    CsSignalsStage stage = new CsSignalsStage();
    stage.run(spark(), RunContext.start(RUN, lake, config));
    stage.run(spark(), RunContext.start(RUN, lake, config));
    DatasetAssertions.assertSameRows(signals.collectAsList(), DeltaIO.read(spark(), lake, EngagementTables.CS_SIGNALS)
        .select(signals.columns()[0], java.util.Arrays.copyOfRange(signals.columns(), 1, signals.columns().length))
        .collectAsList());
  }

  @Test
  void aFunnelThatCannotBeJudgedInsideTheWindowIsRefused() {
    assertThrows(UserError.class, () -> CsSignalSettings.from(ChurnscopeConfig.load(null,
        Map.of("engagement.cs-signals.window-days", "3"))));
  }

  static String text(String user, String type) {
    return signals.where("user_key = '" + user + "' AND signal_type = '" + type + "'").first().getAs("evidence");
  }
}
