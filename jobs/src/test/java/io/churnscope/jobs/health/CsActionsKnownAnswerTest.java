package io.churnscope.jobs.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lists of six hand-built accounts with the default rules, and a coverage team of one CSM with
 * two accounts (so the third coverage account is not reached).
 */
class CsActionsKnownAnswerTest extends SparkTestBase {
  static final LocalDate DAY = LocalDate.parse("2026-06-30");
  static Map<String, Row> rows;
  static Map<String, Row> programs;

  @BeforeAll
  static void compute() {
    ActionSettings settings = ActionSettings.from(ChurnscopeConfig.load(null,
        Map.of("health.programs.coverage.csms", "1", "health.programs.coverage.accounts-per-csm", "2")));
    Dataset<Row> accounts = sql("SELECT account_id, lifecycle_stage, arr_tier, CAST(score AS DOUBLE) AS score, score_band, "
        + "CAST(mrr AS DECIMAL(18,4)) AS mrr, owner_key, CAST(heavy_adopters AS BIGINT) AS heavy_adopters, "
        + "CAST(usage_frequency AS DOUBLE) AS usage_frequency, CAST(license_utilization AS DOUBLE) AS license_utilization, "
        + "CAST(NULL AS DOUBLE) AS feature_breadth, CAST(NULL AS DOUBLE) AS usage_trend_7d, "
        + "CAST(usage_trend_28d AS DOUBLE) AS usage_trend_28d, CAST(NULL AS DOUBLE) AS concentration, "
        + "0.0 AS support_tickets_30d, 0.0 AS open_high_priority_tickets, CAST(NULL AS DOUBLE) AS csat_90d, "
        + "CAST(nps_score AS DOUBLE) AS nps_score, CAST(past_due AS DOUBLE) AS past_due, 0.0 AS refunds_90d FROM VALUES "
        // drops on four at-risk rules: usage down 35 %, 40 % of seats used, NPS 5, past due
        + "('acc-risk', 'adoption', 'Tier 2', 30, 'poor', 500, 'own-2', NULL, 3, 0.4, -0.35, 5, 1), "
        // onboarding and not used at all; Tier 1: its owner is its CSM
        + "('acc-idle', 'onboarding', 'Tier 1', 45, 'warning', 900, 'own-1', NULL, NULL, NULL, NULL, NULL, 0), "
        // more users than seats, a promoter with three heavy adopters
        + "('acc-grow', 'adoption', 'Tier 3', 95, 'good', 300, 'own-3', 3, 12, 1.25, 0.1, 10, 0), "
        + "('acc-near', 'adoption', 'Tier 2', 80, 'good', 200, 'own-4', NULL, 9, 0.85, 0.0, NULL, 0), "
        + "('acc-fast', 'onboarding', 'Tier 2', 88, 'good', 100, 'own-5', NULL, 10, 0.7, NULL, NULL, 0), "
        // a trial without activity is not 'a paying account nobody uses'
        + "('acc-trial', 'trial', NULL, 20, 'poor', 0, NULL, NULL, 0, NULL, NULL, NULL, 0) "
        + "AS t(account_id, lifecycle_stage, arr_tier, score, score_band, mrr, owner_key, heavy_adopters, usage_frequency, "
        + "license_utilization, usage_trend_28d, nps_score, past_due)");
    Dataset<Row> actions = CsActions.apply(accounts, settings, 90, DAY).cache();
    rows = new TreeMap<>();
    actions.collectAsList().forEach(r -> rows.put(r.<String>getAs("account_id") + "/" + r.getAs("rule"), r));
    programs = new TreeMap<>();
    CsActions.programs(actions).collectAsList().forEach(r -> programs.put(r.<String>getAs("list") + "/" + r.getAs("program"), r));
  }

  @Test
  void eachRuleThatFiresIsARowWithItsEvidenceInWords() {
    assertEquals(List.of("acc-fast/fast_adoption", "acc-grow/heavy_adopters", "acc-grow/over_licensed", "acc-grow/promoter",
        "acc-idle/no_activity", "acc-near/near_capacity", "acc-risk/detractor", "acc-risk/low_utilization",
        "acc-risk/past_due", "acc-risk/usage_drop"), List.copyOf(rows.keySet()));
    assertEquals("active events down 35 % over 28 days", rows.get("acc-risk/usage_drop").getAs("evidence"));
    assertEquals("40 % of licensed seats active", rows.get("acc-risk/low_utilization").getAs("evidence"));
    assertEquals("last NPS answer 5", rows.get("acc-risk/detractor").getAs("evidence"));
    assertEquals("25 % more active users than licensed seats", rows.get("acc-grow/over_licensed").getAs("evidence"));
    assertEquals("85 % of licensed seats active", rows.get("acc-near/near_capacity").getAs("evidence"));
    assertEquals("health 88 (good) within its first 90 days of paying", rows.get("acc-fast/fast_adoption").getAs("evidence"));
    assertEquals("3 heavy adopters (marts.cs_signals)", rows.get("acc-grow/heavy_adopters").getAs("evidence"));
    assertEquals("Close the loop on the NPS answer within 48 hours", rows.get("acc-risk/detractor").getAs("call_to_action"));
    assertEquals("at_risk", rows.get("acc-idle/no_activity").getAs("list"));
    assertEquals("advocacy", rows.get("acc-grow/promoter").getAs("list"));
  }

  @Test
  void listsAreRankedByMrrAndRoutedByTier() {
    assertEquals(1, rows.get("acc-idle/no_activity").<Integer>getAs("list_rank")); // 900 before 500
    assertEquals(2, rows.get("acc-risk/usage_drop").<Integer>getAs("list_rank"));
    assertEquals(2, rows.get("acc-risk/past_due").<Integer>getAs("list_rank")); // an account's rules share its rank
    assertEquals("high_touch", rows.get("acc-idle/no_activity").getAs("program"));
    assertEquals("own-1", rows.get("acc-idle/no_activity").getAs("owner_key"));
    assertEquals("coverage", rows.get("acc-risk/usage_drop").getAs("program"));
    assertNull(rows.get("acc-risk/usage_drop").getAs("owner_key"));
    assertEquals("digital", rows.get("acc-grow/promoter").getAs("program"));
  }

  @Test
  void theCoverageTeamReachesItsCapacityAtRiskFirstThenByMrr() {
    // One CSM x two accounts: acc-risk (at risk), then acc-near (200) before acc-fast (100).
    assertEquals(true, rows.get("acc-risk/usage_drop").getAs("reached"));
    assertEquals(true, rows.get("acc-near/near_capacity").getAs("reached"));
    assertEquals(false, rows.get("acc-fast/fast_adoption").getAs("reached"));
    assertEquals(true, rows.get("acc-grow/over_licensed").getAs("reached")); // digital reaches everyone
  }

  @Test
  void reachIsReportedBesideImpactPerProgram() {
    Row expansion = programs.get("expansion/coverage");
    assertEquals(2L, expansion.<Long>getAs("accounts"));
    assertEquals(1L, expansion.<Long>getAs("reached_accounts"));
    assertEquals(0, new java.math.BigDecimal("300").compareTo(expansion.getAs("mrr")));
    assertEquals(0, new java.math.BigDecimal("200").compareTo(expansion.getAs("reached_mrr")));
    // An account on a list through two rules counts once.
    assertEquals(1L, programs.get("advocacy/digital").<Long>getAs("accounts"));
    assertEquals(List.of("advocacy/digital", "at_risk/coverage", "at_risk/high_touch", "expansion/coverage",
        "expansion/digital"), List.copyOf(programs.keySet()));
  }
}
