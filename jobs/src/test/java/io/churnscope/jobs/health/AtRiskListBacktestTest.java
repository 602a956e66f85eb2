package io.churnscope.jobs.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The at-risk list judged on hand-built month-end snapshots with the default rules (horizon 90 days,
 * listed at least 30 days ahead, a capacity of 2), every figure worked out by hand below.
 */
class AtRiskListBacktestTest extends SparkTestBase {
  static final LocalDate RUN = LocalDate.parse("2026-06-30");

  static Dataset<Row> measures() {
    // Unlisted values: usage flat, 90 % of seats used, 5 active days, NPS 8, paid up.
    return sql("SELECT account_id, CAST(snapshot_date AS DATE) AS snapshot_date, lifecycle_stage, "
        + "CAST(mrr AS DECIMAL(18,4)) AS mrr, CAST(usage_frequency AS DOUBLE) AS usage_frequency, "
        + "CAST(license_utilization AS DOUBLE) AS license_utilization, CAST(usage_trend_28d AS DOUBLE) AS usage_trend_28d, "
        + "CAST(nps_score AS DOUBLE) AS nps_score, CAST(past_due AS DOUBLE) AS past_due FROM VALUES "
        // A churns 04-15: listed on 02-28 (40 % of seats), 46 days ahead: caught
        + "('A', '2026-01-31', 'adoption', 100, 5, 0.9, 0.0, 8, 0), "
        + "('A', '2026-02-28', 'adoption', 100, 5, 0.4, 0.0, 8, 0), "
        + "('A', '2026-03-31', 'renewal', 100, 5, 0.4, 0.0, 8, 0), "
        // B churns 04-10: listed only on 03-31 (NPS 3), 10 days ahead: judged, missed
        + "('B', '2026-01-31', 'adoption', 90, 5, 0.9, 0.0, 8, 0), "
        + "('B', '2026-02-28', 'adoption', 90, 5, 0.9, 0.0, 8, 0), "
        + "('B', '2026-03-31', 'renewal', 90, 5, 0.9, 0.0, 3, 0), "
        // C churns 02-10: its only snapshot (usage down 50 %) is 10 days ahead: not judged
        + "('C', '2026-01-31', 'adoption', 80, 5, 0.9, -0.5, 8, 0), "
        // D never churns (an early churn event does not count), past due on every snapshot, the largest
        + "('D', '2026-01-31', 'adoption', 500, 5, 0.9, 0.0, 8, 1), "
        + "('D', '2026-02-28', 'adoption', 500, 5, 0.9, 0.0, 8, 1), "
        + "('D', '2026-03-31', 'adoption', 500, 5, 0.9, 0.0, 8, 1), "
        + "('D', '2026-04-30', 'adoption', 500, 5, 0.9, 0.0, 8, 1), "
        + "('D', '2026-05-31', 'adoption', 500, 5, 0.9, 0.0, 8, 1), "
        // F churns 03-20: no usage known on 01-31 (before the rollups): not 'no activity'; missed
        + "('F', '2026-01-31', 'adoption', 70, NULL, NULL, NULL, 8, 0), "
        + "('F', '2026-02-28', 'adoption', 70, 5, 0.9, 0.0, 8, 0), "
        // a trial is never on the at-risk list's judgement
        + "('T', '2026-01-31', 'trial', 0, 0, 0.1, -0.9, 2, 1) "
        + "AS t(account_id, snapshot_date, lifecycle_stage, mrr, usage_frequency, license_utilization, usage_trend_28d, "
        + "nps_score, past_due)");
  }

  static Dataset<Row> churnEvents() {
    return sql("SELECT account_id, CAST(churn_date AS DATE) AS churn_date, churn_stage FROM VALUES "
        + "('A', '2026-04-15', 'established'), ('B', '2026-04-10', 'established'), ('C', '2026-02-10', 'established'), "
        + "('F', '2026-03-20', 'established'), ('D', '2026-05-01', 'early'), ('T', '2026-02-15', 'established') "
        + "AS t(account_id, churn_date, churn_stage)");
  }

  @Test
  void recallLeadTimePrecisionAndTheListsSizeByHand() {
    ActionSettings settings = ActionSettings.from(ChurnscopeConfig.load(null, Map.of()));
    AtRiskListBacktest.Figures f = AtRiskListBacktest.compute(measures(), churnEvents(), settings, 90, 30, 2, RUN);
    // Judged: A, B, F (C's snapshot is too late, T is a trial); caught: A, 46 days ahead.
    assertEquals(3, f.churned());
    assertEquals(1, f.caught());
    assertEquals(46.0, f.medianLeadDays());
    // Outcome known for snapshots up to 04-01: 01-31 (A B C D F), 02-28 (A B D F), 03-31 (A B D) = 12;
    // listed: C D | A D | A B D = 7; churned within 90 days: A B C F | A B F | A B = 9.
    assertEquals(12, f.snapshots());
    assertEquals(7, f.flagged());
    assertEquals(9, f.snapshotsChurned());
    // The first 2 listed by MRR: D C | D A | D A -> C, A, A churned.
    assertEquals(6, f.capacityRows());
    assertEquals(3, f.capacityChurned());
    assertEquals(0.5, f.precisionAtCapacity(), 1e-12);
    assertEquals(LocalDate.parse("2026-01-31"), f.from());
    assertEquals(LocalDate.parse("2026-05-31"), f.to());
  }

  @Test
  void aLongerLeadRequirementCatchesFewer() {
    ActionSettings settings = ActionSettings.from(ChurnscopeConfig.load(null, Map.of()));
    // Listed 60 days ahead: A's 02-28 snapshot is 46 days ahead, too late; A's 01-31 was not listed.
    AtRiskListBacktest.Figures f = AtRiskListBacktest.compute(measures(), churnEvents(), settings, 90, 60, 2, RUN);
    assertEquals(0, f.caught());
    assertEquals(null, f.medianLeadDays());
  }
}
