package io.churnscope.jobs.engagement;

import static io.churnscope.jobs.engagement.EngagementFixtures.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.SparkTestBase;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Known answers for engaged evaluation on 2026-10-31: the 14-day window from the trial start
 * (day 0 to day 13), time to first key action, incomplete windows, trials before the usage history.
 */
class TrialEngagementKnownAnswerTest extends SparkTestBase {
  static final LocalDate RUN = LocalDate.parse("2026-10-31");
  static Map<String, Row> trials;
  static Dataset<Row> report;

  static Row trial(String subscription, String account, String trialStart) {
    Row v = EngagementFixtures.version(subscription, 1, account, "core", "trialing", 3, "10", trialStart, null);
    Object[] values = new Object[v.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = v.get(i);
    }
    values[11] = Date.valueOf(trialStart);
    values[12] = Date.valueOf(LocalDate.parse(trialStart).plusDays(14));
    return RowFactory.create(values);
  }

  static Row crm(String account, String campaign, String modified) {
    return RowFactory.create(account, null, Date.valueOf("2026-01-01"), "organic", campaign, "US", null, null, null, null,
        null, null, Timestamp.from(Instant.parse(modified + "T00:00:00Z")), Date.valueOf(modified), "fixture");
  }

  @BeforeAll
  static void build() {
    List<Row> events = new ArrayList<>();
    // T1 (trial 1 Oct): active on days 0, 2, 13 and 14 → 3 in the window; a key action on day 2.
    for (String day : List.of("2026-10-01", "2026-10-14", "2026-10-15")) {
      events.add(event("t1" + day, "T1", "u1", "Report Viewed", "reports", day + "T10:00:00Z"));
    }
    events.add(event("t1key", "T1", "u1", "Task Completed", "tasks", "2026-10-03T10:00:00Z"));
    // T2 (trial 5 Oct): active on day 0 and day 14 (outside) → 1; only passive mail otherwise.
    events.add(event("t2a", "T2", "u2", "Report Viewed", "reports", "2026-10-05T10:00:00Z"));
    events.add(event("t2b", "T2", "u2", "Report Viewed", "reports", "2026-10-19T10:00:00Z"));
    events.add(event("t2c", "T2", "u2", "Email Sent", null, "2026-10-06T10:00:00Z"));
    // T3 (trial 25 Oct): its window ends 7 Nov, after the run date.
    for (String day : List.of("2026-10-25", "2026-10-26", "2026-10-27")) {
      events.add(event("t3" + day, "T3", "u3", "Report Viewed", "reports", day + "T10:00:00Z"));
    }
    Dataset<Row> userDays = UserDayRollup.apply(spark().createDataFrame(events, EngagementFixtures.EVENTS),
        EngagementRollupKnownAnswerTest.DEFAULTS);
    Dataset<Row> accountDays = AccountDayRollup.apply(userDays, EngagementRollupKnownAnswerTest.emptyVolumetrics(),
        EngagementRollupKnownAnswerTest.emptyConfig());
    Dataset<Row> versions = spark().createDataFrame(List.of(
        trial("s1", "T1", "2026-10-01"), trial("s2", "T2", "2026-10-05"), trial("s3", "T3", "2026-10-25"),
        // T0's trial began before the first rolled-up day: no usage to judge it by.
        trial("s0", "T0", "2026-09-01"),
        EngagementFixtures.version("sP", 1, "P", "core", "active", 3, "10", "2026-09-01", null)),
        StagedTables.SUBSCRIPTION_VERSIONS.schema());
    Dataset<Row> crm = spark().createDataFrame(List.of(crm("T1", "old", "2026-09-01"), crm("T1", "spring", "2026-10-02"),
        crm("T2", null, "2026-10-05"), crm("T3", "spring", "2026-10-25")), StagedTables.CRM_ACCOUNTS.schema());
    Dataset<Row> perAccount = TrialEngagement.perAccount(versions, crm, accountDays, RUN,
        TrialEngagementSettings.from(ChurnscopeConfig.defaults())).cache();
    trials = perAccount.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    report = TrialEngagement.report(perAccount).cache();
  }

  @Test
  void engagedMeansThreeActiveDaysInTheFirstFourteen() {
    assertEquals(List.of("T1", "T2", "T3"), trials.keySet().stream().sorted().toList(), "T0 predates the usage; P never trialed");
    Row t1 = trials.get("T1");
    assertEquals(3, t1.<Integer>getAs("active_days_first_14"), "days 0, 2 and 13; day 14 is out");
    assertTrue(t1.<Boolean>getAs("engaged"));
    assertEquals(2, t1.<Integer>getAs("days_to_first_key_action"));
    assertEquals("spring", t1.getAs("campaign"), "the latest CRM row");
    Row t2 = trials.get("T2");
    assertEquals(1, t2.<Integer>getAs("active_days_first_14"));
    assertFalse(t2.<Boolean>getAs("engaged"));
    assertTrue(t2.isNullAt(t2.fieldIndex("days_to_first_key_action")));
    Row t3 = trials.get("T3");
    assertFalse(t3.<Boolean>getAs("evaluation_complete"));
  }

  @Test
  void theReportCountsCompleteEvaluationsByMonthAndCampaign() {
    Row month = report.where("grouping = 'month'").first();
    assertEquals(Date.valueOf("2026-10-01"), month.getAs("signup_month"));
    assertEquals(2L, month.<Long>getAs("trials"), "T3's window is not over");
    assertEquals(1L, month.<Long>getAs("engaged_trials"));
    assertEquals(new BigDecimal("0.500000"), month.getAs("engaged_share"));
    assertEquals("ideal", month.getAs("reading"));
    assertEquals(2, month.<Integer>getAs("median_days_to_first_key_action"));
    Row spring = report.where("grouping = 'campaign' AND campaign = 'spring'").first();
    assertEquals(1L, spring.<Long>getAs("trials"));
    assertEquals("ideal", spring.getAs("reading"));
    Row none = report.where("grouping = 'campaign' AND campaign = '(none)'").first();
    assertEquals(0L, none.<Long>getAs("engaged_trials"));
    assertEquals("below_expected", none.getAs("reading"));
  }
}
