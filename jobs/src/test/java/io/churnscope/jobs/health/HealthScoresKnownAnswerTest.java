package io.churnscope.jobs.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.apache.spark.sql.functions.expr;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.HealthTables;
import io.churnscope.common.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health scores of four hand-built accounts on two dates with the default scorecards; every value
 * worked out in the comments. Weights of the adoption card sum to 21, of the renewal card to 19.
 */
class HealthScoresKnownAnswerTest extends SparkTestBase {
  static final LocalDate D1 = LocalDate.parse("2026-06-30");
  static final LocalDate D2 = LocalDate.parse("2026-07-31");
  static HealthSettings settings;
  static HealthInputs.Sources in;
  static Map<String, Row> first;
  static Map<String, Row> second;

  @BeforeAll
  static void score() {
    settings = HealthSettings.from(ChurnscopeConfig.defaults());
    in = new HealthInputs.Sources(
        sql("SELECT * FROM VALUES "
            // a customer for 400 days on a monthly plan: adoption
            + "(DATE'2026-06-30', 'a-adopt', 'customer', 'none', 400, DATE'2026-07-15', 'Tier 2', false, 500, 10), "
            // 30 days a customer and past due: onboarding
            + "(DATE'2026-06-30', 'a-onb', 'customer', 'none', 30, DATE'2026-07-31', 'Tier 3', true, 100, 2), "
            // an annual contract renewing in 30 days: renewal
            + "(DATE'2026-06-30', 'a-renew', 'customer', 'none', 500, DATE'2026-07-30', 'Tier 1', false, 500, 5), "
            + "(DATE'2026-06-30', 'a-trial', 'prospect', 'open', CAST(NULL AS INT), CAST(NULL AS DATE), CAST(NULL AS STRING), false, 0, CAST(NULL AS INT)), "
            // churned: not scored
            + "(DATE'2026-06-30', 'a-gone', 'churned', 'none', 200, CAST(NULL AS DATE), CAST(NULL AS STRING), false, 0, CAST(NULL AS INT)), "
            + "(DATE'2026-07-31', 'a-adopt', 'customer', 'none', 431, DATE'2026-08-15', 'Tier 2', false, 500, 10), "
            + "(DATE'2026-07-31', 'a-onb', 'customer', 'none', 61, DATE'2026-08-31', 'Tier 3', false, 100, 2) "
            + "AS t(snapshot_date, account_id, lifecycle_status, trial_status, tenure_days, next_renewal_date, arr_tier, past_due, mrr, seats)"),
        sql("SELECT * FROM VALUES "
            + "(DATE'2026-06-30', 'a-adopt', 9, 0.9, 7, 0.0, 0.1, 0.3), "
            + "(DATE'2026-06-30', 'a-renew', 2, 0.4, 3, 0.0, -0.3, 0.5), "
            + "(DATE'2026-06-30', 'a-trial', 6, CAST(NULL AS DOUBLE), 1, 0.0, 0.0, 1.0), "
            + "(DATE'2026-07-31', 'a-adopt', 9, 0.4, 7, 0.0, 0.1, 0.3), "
            + "(DATE'2026-07-31', 'a-onb', 7, 0.6, 4, 0.0, 0.0, 0.5) "
            + "AS t(snapshot_date, account_id, active_days_14, license_utilization, feature_breadth, trend_7d, trend_28d, "
            + "top_user_share)"),
        sql("SELECT * FROM VALUES "
            + "('s-renew', 1, 'a-renew', 'core', 'pro', 'year', 5, 1200.0, 'USD', 'active', CAST(NULL AS DATE), "
            + "CAST(NULL AS DATE), DATE'2024-07-30', CAST(NULL AS DATE), DATE'2024-07-30') "
            + "AS t(subscription_id, version, account_id, product, plan, billing_interval, quantity, amount, currency, "
            + "status, trial_start, trial_end, start_date, ended_at, effective_date)")
            .withColumn("ingest_date", expr("effective_date")),
        sql("SELECT * FROM VALUES "
            + "('a-adopt', TIMESTAMP'2026-06-20 10:00:00', CAST(NULL AS TIMESTAMP), 'normal', CAST(NULL AS INT)), "
            + "('a-adopt', TIMESTAMP'2026-05-20 10:00:00', TIMESTAMP'2026-06-01 10:00:00', 'low', 5), "
            + "('a-renew', TIMESTAMP'2026-06-25 10:00:00', CAST(NULL AS TIMESTAMP), 'urgent', CAST(NULL AS INT)), "
            // opened after D1: unseen on D1
            + "('a-onb', TIMESTAMP'2026-07-02 10:00:00', TIMESTAMP'2026-07-03 10:00:00', 'high', 4) "
            + "AS t(account_id, created_at, closed_at, priority, csat)").withColumn("ingest_date", expr("to_date(coalesce(closed_at, created_at))")),
        sql("SELECT * FROM VALUES "
            + "('a-adopt', TIMESTAMP'2026-05-01 09:00:00', 10), ('a-adopt', TIMESTAMP'2026-07-15 09:00:00', 4) "
            + "AS t(account_id, responded_at, score)").withColumn("ingest_date", expr("to_date(responded_at)")),
        sql("SELECT 'a-adopt' AS account_id, 'recurring' AS kind, DATE'2026-06-01' AS invoice_date, "
            + "DATE'2026-06-01' AS ingest_date"));
    Dataset<Row> d1 = scoreOn(D1, null).cache();
    first = byAccount(d1);
    second = byAccount(scoreOn(D2, HealthScoresStage.previousOf(d1, D2)));
  }

  static Dataset<Row> scoreOn(LocalDate date, Dataset<Row> previous) {
    Dataset<Row> measures = HealthInputs.measures(in, HealthInputs.population(in, date, settings, List.of("core")), date);
    Dataset<Row> none = HealthScoresStage.previousOf(
        spark().createDataFrame(List.<Row>of(), HealthTables.HEALTH_SCORES.schema()), date);
    return HealthScoresStage.score(measures, previous == null ? none : previous, settings, date);
  }

  static Map<String, Row> byAccount(Dataset<Row> rows) {
    Map<String, Row> out = new TreeMap<>();
    rows.collectAsList().forEach(r -> out.put(r.getAs("account_id"), r));
    return out;
  }

  static double contributions(Row row) {
    return row.<Row>getList(row.fieldIndex("measures")).stream().mapToDouble(m -> m.<Double>getAs("contribution")).sum();
  }

  /**
   * The stage on a lake: scoring both dates in one run (a back-fill) and scoring them in two runs (the
   * second compares with the stored first) write the same rows, and those are the rows the date-by-date
   * scoring above gives, explanations included.
   */
  @Test
  void oneRunOverBothDatesEqualsTwoNightliesAndTheDateByDateScoring(@TempDir java.nio.file.Path dir) throws Exception {
    Dataset<Row> d1 = measuresRows(D1);
    Dataset<Row> d2 = measuresRows(D2);
    Lake backfilled = new Lake(dir.resolve("one-run").toString());
    DeltaIO.replaceWhere(spark(), backfilled, HealthTables.HEALTH_MEASURES, d1.unionByName(d2), "true");
    new HealthScoresStage().run(spark(), RunContext.start(D2, backfilled, ChurnscopeConfig.defaults()));
    Lake nightly = new Lake(dir.resolve("two-runs").toString());
    DeltaIO.replaceWhere(spark(), nightly, HealthTables.HEALTH_MEASURES, d1, "true");
    new HealthScoresStage().run(spark(), RunContext.start(D1, nightly, ChurnscopeConfig.defaults()));
    DeltaIO.replaceWhere(spark(), nightly, HealthTables.HEALTH_MEASURES, d2, "snapshot_date = DATE'" + D2 + "'");
    new HealthScoresStage().run(spark(), RunContext.start(D2, nightly, ChurnscopeConfig.defaults()));
    List<String> expected = new java.util.ArrayList<>();
    first.values().forEach(r -> expected.add(r.toString()));
    second.values().forEach(r -> expected.add(r.toString()));
    java.util.Collections.sort(expected);
    assertFalse(second.values().stream().allMatch(r -> r.isNullAt(r.fieldIndex("previous_score"))),
        "some D2 rows compare with D1: " + second.keySet());
    for (Lake lake : List.of(backfilled, nightly)) {
      List<String> written = DeltaIO.read(spark(), lake, HealthTables.HEALTH_SCORES)
          .select(java.util.Arrays.stream(HealthTables.HEALTH_SCORES.schema().fieldNames()).map(org.apache.spark.sql.functions::col)
              .toArray(org.apache.spark.sql.Column[]::new))
          .collectAsList().stream().map(Row::toString).sorted().toList();
      assertEquals(expected, written, lake.root());
    }
  }

  /** The measures of {@code date} as marts.health_measures holds them (columns the scoring does not read: null). */
  static Dataset<Row> measuresRows(LocalDate date) {
    Dataset<Row> measures = HealthInputs.measures(in, HealthInputs.population(in, date, settings, List.of("core")), date)
        .withColumn("snapshot_date", org.apache.spark.sql.functions.lit(java.sql.Date.valueOf(date)));
    java.util.Set<String> present = java.util.Set.of(measures.columns());
    for (org.apache.spark.sql.types.StructField field : HealthTables.HEALTH_MEASURES.schema().fields()) {
      if (!present.contains(field.name())) {
        measures = measures.withColumn(field.name(), org.apache.spark.sql.functions.lit(null).cast(field.dataType()));
      }
    }
    return DeltaIO.conform(measures, HealthTables.HEALTH_MEASURES);
  }

  @Test
  void eachAccountIsScoredOnItsLifecycleStagesCard() {
    assertEquals(List.of("a-adopt", "a-onb", "a-renew", "a-trial"), List.copyOf(first.keySet()));
    assertEquals(List.of("adoption", "onboarding", "renewal", "trial"),
        first.values().stream().map(r -> r.<String>getAs("lifecycle_stage")).toList());
    assertEquals("adoption-", first.get("a-adopt").<String>getAs("scorecard_version").substring(0, 9));
  }

  @Test
  void scoresOnTheFirstDate() {
    // Adoption, every measure good (one normal ticket in 30 days <= 2, CSAT 5, NPS 10, no refund): 100. No
    // churn prediction on this lake: the card's churn_probability is missing, listed, and left out.
    assertEquals(100.0, first.get("a-adopt").<Double>getAs("score"), 1e-9);
    assertEquals(List.of("churn_probability"), first.get("a-adopt").getList(first.get("a-adopt").fieldIndex("missing_measures")));
    // Onboarding: no engagement row, so frequency, utilization and breadth are missing; no open high-priority
    // ticket (the high one is opened after D1) is good (100, weight 2), past due is poor (0, weight 2): 50.
    assertEquals(50.0, first.get("a-onb").<Double>getAs("score"), 1e-9);
    assertEquals(List.of("feature_breadth", "license_utilization", "usage_frequency"),
        first.get("a-onb").getList(first.get("a-onb").fieldIndex("missing_measures")));
    // Renewal: frequency 2, utilization 0.4, trend -0.3 and one urgent open ticket are poor; breadth 3 a warning
    // (weight 1: 50); not past due (weight 3: 100); churn probability, CSAT and NPS missing (weights 3 + 1 + 3
    // out of 22): 350 / 15.
    assertEquals(350 / 15.0, first.get("a-renew").<Double>getAs("score"), 1e-9);
    assertEquals("poor", first.get("a-renew").getAs("score_band"));
    assertEquals(List.of("churn_probability", "csat_90d", "nps_score"),
        first.get("a-renew").getList(first.get("a-renew").fieldIndex("missing_measures")));
    // Trial: frequency 6 good (3 x 100), breadth 1 poor, concentration 1.0 poor: 300 / 6.
    assertEquals(50.0, first.get("a-trial").<Double>getAs("score"), 1e-9);
    assertEquals("first score: 100 (good)", first.get("a-adopt").getAs("explanation"));
    assertNull(first.get("a-adopt").getAs("score_change"));
  }

  @Test
  void theContributionsSumToTheScoreOnEveryRow() {
    for (Map<String, Row> rows : List.of(first, second)) {
      for (Row row : rows.values()) {
        assertEquals(row.<Double>getAs("score"), contributions(row), 1e-9, row.<String>getAs("account_id"));
      }
    }
  }

  @Test
  void everyChangeIsExplainedByTermsThatSumToIt() {
    Row adopt = second.get("a-adopt");
    // Utilization 0.9 → 0.4 (poor, weight 3) and NPS 10 → 4 (poor, weight 2): 100 → 1600 / 21.
    assertEquals(1600 / 21.0, adopt.<Double>getAs("score"), 1e-9);
    assertEquals(-500 / 21.0, adopt.<Double>getAs("score_change"), 1e-9);
    Map<String, Double> moves = adopt.getJavaMap(adopt.fieldIndex("measure_changes"));
    assertEquals(-300 / 21.0, moves.get("license_utilization"), 1e-9);
    assertEquals(-200 / 21.0, moves.get("nps_score"), 1e-9);
    assertEquals("score 100 → 76: license_utilization 0.90 → 0.40 (−14), nps_score 10 → 4 (−10)", adopt.getAs("explanation"));
    for (Row row : second.values()) {
      Map<String, Double> byMeasure = row.getJavaMap(row.fieldIndex("measure_changes"));
      double sum = byMeasure.values().stream().mapToDouble(Double::doubleValue).sum()
          + row.<Double>getAs("reweighting_change") + row.<Double>getAs("scorecard_change");
      assertEquals(row.<Double>getAs("score_change"), sum, 1e-9, row.<String>getAs("account_id"));
      assertEquals(row.<Double>getAs("score") - row.<Double>getAs("previous_score"), row.<Double>getAs("score_change"), 1e-9);
    }
    // Onboarding: frequency, utilization and breadth appear (all good) and past due clears: 50 → 100, the
    // shared measures (tickets, past due) explain all of it, the new ones change nothing (all good).
    Row onboarding = second.get("a-onb");
    assertEquals(100.0, onboarding.<Double>getAs("score"), 1e-9);
    assertEquals(50.0, onboarding.<String, Double>getJavaMap(onboarding.fieldIndex("measure_changes")).get("past_due"), 1e-9);
    assertEquals(0.0, onboarding.<Double>getAs("reweighting_change"), 1e-9);
    assertFalse(second.containsKey("a-renew"), "an account not scored tonight has no row");
  }

  @Test
  void scoringIsDeterministic() {
    assertEquals(List.copyOf(first.values()), List.copyOf(byAccount(scoreOn(D1, null)).values()));
  }

  @Test
  void anAccountInATierWithItsOwnCardIsScoredOnItAndAMoveToItShowsAsAScorecardChange() {
    Map<String, String> cards = new TreeMap<>();
    // Tier 1 renewals: frequency (weight 1) and past due (weight 1) only.
    rule(cards, "tier-1.renewal.usage_frequency", "8", "3");
    rule(cards, "tier-1.renewal.past_due", "0", "0.5");
    // Tier 2 adoption: utilization (weight 1, good from 0.95) and past due (weight 1) only.
    rule(cards, "tier-2.adoption.license_utilization", "0.95", "0.5");
    rule(cards, "tier-2.adoption.past_due", "0", "0.5");
    HealthSettings tiered = HealthSettings.from(ChurnscopeConfig.load(null, cards));
    Dataset<Row> measures = HealthInputs.measures(in, HealthInputs.population(in, D1, tiered, List.of("core")), D1);
    Dataset<Row> none = HealthScoresStage.previousOf(
        spark().createDataFrame(List.<Row>of(), HealthTables.HEALTH_SCORES.schema()), D1);
    Map<String, Row> onD1 = byAccount(HealthScoresStage.score(measures, none, tiered, D1));
    // a-renew (Tier 1): frequency 2 is poor (0), not past due is good (100): 50, on the tier's card.
    Row renew = onD1.get("a-renew");
    assertEquals(50.0, renew.<Double>getAs("score"), 1e-9);
    assertEquals(HealthSettings.version(tiered.card("renewal", "Tier 1")), renew.getAs("scorecard_version"));
    assertEquals("renewal.tier-1-", renew.<String>getAs("scorecard_version").substring(0, 15));
    // Tier 3 onboarding and the trial (no tier) keep their stage's cards: the scores of the default run.
    for (String account : List.of("a-onb", "a-trial")) {
      assertEquals(first.get(account).<Double>getAs("score"), onD1.get(account).<Double>getAs("score"), 1e-12, account);
      assertEquals(first.get(account).<String>getAs("scorecard_version"), onD1.get(account).getAs("scorecard_version"));
    }

    // a-adopt (Tier 2) was scored on the adoption card on D1 (100). On D2 its tier has a card of its own:
    // utilization 0.4 is poor (0), not past due good (100): 50. Its D1 values on the new card score 75
    // (utilization 0.9 a warning), so the card explains −25 and the utilization's fall the other −25.
    Dataset<Row> onD2 = HealthScoresStage.score(
        HealthInputs.measures(in, HealthInputs.population(in, D2, tiered, List.of("core")), D2),
        HealthScoresStage.previousOf(scoreOn(D1, null), D2), tiered, D2);
    Row adopt = byAccount(onD2).get("a-adopt");
    assertEquals(50.0, adopt.<Double>getAs("score"), 1e-9);
    assertEquals(-50.0, adopt.<Double>getAs("score_change"), 1e-9);
    assertEquals(-25.0, adopt.<Double>getAs("scorecard_change"), 1e-9);
    assertEquals(-25.0, adopt.<String, Double>getJavaMap(adopt.fieldIndex("measure_changes")).get("license_utilization"),
        1e-9);
    assertEquals(0.0, adopt.<Double>getAs("reweighting_change"), 1e-9);
    assertEquals("score 100 → 50: scorecard, tier or lifecycle stage changed (−25), license_utilization 0.90 → 0.40 (−25)",
        adopt.getAs("explanation"));
  }

  /** A measure of weight 1 on a tier's card: {@code health.tier-scorecards.<key> = { weight = 1, good, poor }}. */
  static void rule(Map<String, String> overrides, String key, String good, String poor) {
    String at = "health.tier-scorecards." + key;
    overrides.put(at + ".weight", "1");
    overrides.put(at + ".good", good);
    overrides.put(at + ".poor", poor);
  }
}
