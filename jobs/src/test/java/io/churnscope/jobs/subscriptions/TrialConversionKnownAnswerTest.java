package io.churnscope.jobs.subscriptions;

import static io.churnscope.jobs.subscriptions.LedgerFixtures.crm;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.crmAccounts;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.usd;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.v;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * marts.trial_conversion on six hand-built accounts (run date 2026-04-30, conversion window 14
 * days), and the check that trials never enter the churn metrics.
 */
class TrialConversionKnownAnswerTest extends SparkTestBase {
  static final LocalDate RUN = LocalDate.parse("2026-04-30");
  static Dataset<Row> staged;
  static Dataset<Row> outcomes;

  @BeforeAll
  static void compute() {
    staged = versions(spark(),
        // t1: trial Jan 10 - Jan 24, pays from Feb 1 (8 days after the end, within 14): converted.
        usd("t1", 1, "acc-t1", "100", "trialing", "2026-01-10").trial("2026-01-10", "2026-01-24"),
        usd("t1", 2, "acc-t1", "100", "active", "2026-02-01").started("2026-01-10").trial("2026-01-10", "2026-01-24"),
        // t2: trial Jan 20 - Feb 3, canceled at its end: window over on Feb 17, lapsed.
        usd("t2", 1, "acc-t2", "100", "trialing", "2026-01-20").trial("2026-01-20", "2026-02-03"),
        usd("t2", 2, "acc-t2", "100", "canceled", "2026-02-03").started("2026-01-20").trial("2026-01-20", "2026-02-03")
            .cancel(null, "2026-02-03", null),
        // t3: trial Jan 5 - Jan 19, lapsed; pays from Mar 1 (41 days after: new business, not a conversion).
        usd("t3", 1, "acc-t3", "100", "trialing", "2026-01-05").trial("2026-01-05", "2026-01-19"),
        usd("t3", 2, "acc-t3", "100", "canceled", "2026-01-19").started("2026-01-05").trial("2026-01-05", "2026-01-19")
            .cancel(null, "2026-01-19", null),
        usd("t3b", 1, "acc-t3", "100", "active", "2026-03-01"),
        // t4: trial Apr 20 - May 4, still running on the run date: open.
        usd("t4", 1, "acc-t4", "100", "trialing", "2026-04-20").trial("2026-04-20", "2026-05-04"),
        // t5: trial Jan 12 - Jan 26, pays from the trial's end: converted; its CRM channel changed to partner on Feb 1.
        usd("t5", 1, "acc-t5", "100", "trialing", "2026-01-12").trial("2026-01-12", "2026-01-26"),
        usd("t5", 2, "acc-t5", "100", "active", "2026-01-26").started("2026-01-12").trial("2026-01-12", "2026-01-26"),
        // x: a customer since December trying an add-on in February: not a prospect trial, not counted.
        usd("x", 1, "acc-x", "100", "active", "2025-12-01"),
        v("xa", 1, "acc-x", "analytics", "month", "20", "USD", "trialing", "2026-02-01").trial("2026-02-01", "2026-02-15"));
    Dataset<Row> crm = crmAccounts(spark(),
        crm("acc-t1", "2026-01-10", "paid_search", "winter", "2026-01-10"),
        crm("acc-t2", "2026-01-20", "paid_search", "winter", "2026-01-20"),
        crm("acc-t3", "2026-01-05", "paid_search", "winter", "2026-01-05"),
        crm("acc-t4", "2026-04-20", "organic", null, "2026-04-20"),
        crm("acc-t5", "2026-01-12", "organic", "winter", "2026-01-12"),
        crm("acc-t5", "2026-01-12", "partner", "winter", "2026-02-01"),
        // A change after the run date is not seen.
        crm("acc-t5", "2026-01-12", "reseller", "winter", "2026-05-10"),
        crm("acc-x", "2025-11-20", "organic", null, "2025-11-20"));
    outcomes = TrialConversion.outcomes(staged, crm, RUN, 14).cache();
  }

  @Test
  void trialsAreCountedByCohortCampaignAndChannelAndAddUp() {
    Dataset<Row> cohorts = TrialConversion.byCohort(outcomes, RUN);
    TrialConversionStage.gate().enforce(cohorts);
    DatasetAssertions.assertSameRows(List.of(
        // t1 converted, t2 and t3 lapsed: 1 of 3 (1/3 = 0.333333 of all, and of the decided ones).
        row("2026-01", "winter", "paid_search", 3, 1, 2, 0, "0.333333", "0.333333"),
        row("2026-01", "winter", "partner", 1, 1, 0, 0, "1", "1"),
        // t4 is open: 0 converted of 1 started; none decided, so no decided rate.
        row("2026-04", "(none)", "organic", 1, 0, 0, 1, "0", null)),
        cohorts.select("trial_month", "campaign", "acquisition_channel", "trials_started", "converted", "lapsed",
            "still_open", "conversion_rate", "decided_conversion_rate").collectAsList());
    assertEquals(Date.valueOf(RUN), cohorts.first().getDate(cohorts.first().fieldIndex("as_of_date")));
  }

  @Test
  void trialsNeverEnterTheChurnMetrics() {
    MrrLedgerStage.Ledger ledger = MrrLedgerStage.compute(staged,
        spark().createDataFrame(List.of(), StagedTables.FX_RATES.schema()), RUN, "USD", 3);
    Dataset<Row> rates = MonthStartRates.apply(spark().createDataFrame(List.of(), StagedTables.FX_RATES.schema()),
        ledger.accounts().select("month").distinct(), "USD");
    Dataset<Row> events = ChurnRefunds.apply(ChurnEvents.apply(ledger.accounts(), staged, 30, 90),
        LedgerFixtures.invoices(spark()), rates, 30);
    // The lapsed trials (t2, t3) never had MRR: no churn event at all.
    assertEquals(0, events.count());
    Dataset<Row> metrics = ChurnMetrics.apply(ledger.accounts(), events,
        RenewalPool.apply(SubscriptionMonthEnd.apply(staged, RUN), staged));
    // February's start base: x (since December) and t5 (paying from Jan 26) — not t1 (pays from Feb 1), not the trials.
    // April's: x, t1, t5 and t3 (new business from March); t4's open trial is not in it.
    DatasetAssertions.assertSameRows(List.of(
        RowFactory.create(Date.valueOf("2026-02-01"), 2L, 0L),
        RowFactory.create(Date.valueOf("2026-04-01"), 4L, 0L)),
        metrics.where("month IN (DATE'2026-02-01', DATE'2026-04-01')")
            .select("month", "customers_start", "churned_accounts").collectAsList());
  }

  static Row row(String month, String campaign, String channel, long started, long converted, long lapsed, long open,
      String rate, String decided) {
    return RowFactory.create(Date.valueOf(month + "-01"), campaign, channel, started, converted, lapsed, open,
        new BigDecimal(rate), decided == null ? null : new BigDecimal(decided));
  }
}
