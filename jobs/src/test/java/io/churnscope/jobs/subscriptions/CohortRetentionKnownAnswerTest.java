package io.churnscope.jobs.subscriptions;

import static io.churnscope.jobs.subscriptions.LedgerFixtures.fx;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.usd;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.v;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.versions;

import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** marts.cohort_retention on two hand-built cohorts (run date 2026-04-30); every value worked out below. */
class CohortRetentionKnownAnswerTest extends SparkTestBase {

  @Test
  void logoAndRevenueRetentionByStartMonthWithExpansionReactivationAndFxApart() {
    LocalDate run = LocalDate.parse("2026-04-30");
    Dataset<Row> staged = versions(spark(),
        // January cohort. a1: 100 from Jan 5, 150 from Mar 10 (expansion 50).
        usd("a1", 1, "acc-a1", "100", "active", "2026-01-05"),
        usd("a1", 2, "acc-a1", "150", "active", "2026-03-10").started("2026-01-05"),
        // a2: 50 from Jan 20, ended Feb 15, back on Apr 2 at 50 (a reactivation: retained again in April).
        usd("a2", 1, "acc-a2", "50", "active", "2026-01-20"),
        usd("a2", 2, "acc-a2", "50", "canceled", "2026-02-15").started("2026-01-20").cancel("2026-02-01", "2026-02-15", "price"),
        usd("a2b", 1, "acc-a2", "50", "active", "2026-04-02"),
        // a3: 100 EUR from Jan 10; EUR 1.10 in January, 1.20 from February: 110, then 120 (+10 of FX, no movement).
        v("a3", 1, "acc-a3", "core", "month", "100", "EUR", "active", "2026-01-10"),
        // February cohort. b1: 200 from Feb 3, ended Mar 31 (no MRR at March's end: churned in March).
        usd("b1", 1, "acc-b1", "200", "active", "2026-02-03"),
        usd("b1", 2, "acc-b1", "200", "canceled", "2026-03-31").started("2026-02-03").cancel("2026-03-01", "2026-03-31", "price"));
    Dataset<Row> rates = fx(spark(), "2026-01-01", "EUR", "1.10", "2026-02-01", "EUR", "1.20", "2026-03-01", "EUR", "1.20",
        "2026-04-01", "EUR", "1.20");
    MrrLedgerStage.Ledger ledger = MrrLedgerStage.compute(staged, rates, run, "USD", 3);
    ledger.enforceGates();
    Dataset<Row> retention = CohortRetention.apply(ledger.accounts(), run);
    CohortRetentionStage.gate().enforce(retention);
    DatasetAssertions.assertSameRows(List.of(
        // January: starting MRR 100 + 50 + 110 = 260, 3 accounts.
        row("2026-01", 0, "2026-01", 3, 3, "1", "260", "260", "0", "1"),
        // Feb: a1 100, a2 gone, a3 120 (FX +10): 220; ex-FX 210 / 260 = 0.8076923 → 0.807692; logo 2/3.
        row("2026-01", 1, "2026-02", 3, 2, "0.666667", "260", "220", "10", "0.807692"),
        // Mar: a1 150, a3 120: 270; ex-FX 260 / 260 = 1.
        row("2026-01", 2, "2026-03", 3, 2, "0.666667", "260", "270", "10", "1"),
        // Apr: a2 is back with 50: 320; ex-FX 310 / 260 = 1.1923077 → 1.192308; logo 3/3.
        row("2026-01", 3, "2026-04", 3, 3, "1", "260", "320", "10", "1.192308"),
        // February: b1 200, gone by March's end.
        row("2026-02", 0, "2026-02", 1, 1, "1", "200", "200", "0", "1"),
        row("2026-02", 1, "2026-03", 1, 0, "0", "200", "0", "0", "0"),
        row("2026-02", 2, "2026-04", 1, 0, "0", "200", "0", "0", "0")),
        retention.select("cohort_month", "months_since_start", "month", "cohort_accounts", "accounts_retained",
            "logo_retention", "starting_mrr", "mrr_retained", "cumulative_fx_mrr", "revenue_retention").collectAsList());
  }

  static Row row(String cohort, int k, String month, long accounts, long retained, String logo, String starting,
      String mrr, String fx, String revenue) {
    return RowFactory.create(Date.valueOf(cohort + "-01"), k, Date.valueOf(month + "-01"), accounts, retained,
        new BigDecimal(logo), new BigDecimal(starting), new BigDecimal(mrr), new BigDecimal(fx), new BigDecimal(revenue));
  }
}
