package io.churnscope.jobs.subscriptions;

import static io.churnscope.jobs.subscriptions.LedgerFixtures.usd;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.v;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.versions;

import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.jobs.subscriptions.LedgerFixtures.V;
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
 * Churn events and churn metrics on five hand-built accounts (refund window 30 days, stick point 90
 * days, run date 2026-06-30); every expected value is worked out in the comments.
 */
class ChurnKnownAnswerTest extends SparkTestBase {
  static Dataset<Row> events;
  static Dataset<Row> metrics;

  @BeforeAll
  static void compute() {
    V[] vs = {
        // Out of business, asked Mar 1, ended Mar 15, customer since 2025-06-01: 287 days, established.
        usd("oob", 1, "acc-oob", "100", "active", "2025-06-01"),
        usd("oob", 2, "acc-oob", "100", "canceled", "2026-03-15").started("2025-06-01")
            .cancel("2026-03-01", "2026-03-15", "out_of_business"),
        // Asked 19 days after its first paid day (inside the 30-day refund window): early; no reason given.
        usd("early", 1, "acc-early", "50", "active", "2026-02-01"),
        usd("early", 2, "acc-early", "50", "active", "2026-02-20").started("2026-02-01").cancel("2026-02-20", "2026-03-01", ""),
        usd("early", 3, "acc-early", "50", "canceled", "2026-03-01").started("2026-02-01").cancel("2026-02-20", "2026-03-01", ""),
        // 80, up to 110 on Mar 10 (expansion 30), asked Apr 10 to end May 1, reason "Price": 151 days, established.
        usd("price", 1, "acc-price", "80", "active", "2025-12-01"),
        usd("price", 2, "acc-price", "110", "active", "2026-03-10").started("2025-12-01"),
        usd("price", 3, "acc-price", "110", "active", "2026-04-10").started("2025-12-01").cancel("2026-04-10", "2026-05-01", "Price"),
        // Churns Feb 10 (competitor, 405 days), comes back Apr 5 (reactivation 60), churns again Jun 20 after 76 days: early.
        usd("back1", 1, "acc-back", "100", "active", "2025-01-01"),
        usd("back1", 2, "acc-back", "100", "canceled", "2026-02-10").started("2025-01-01")
            .cancel("2026-01-25", "2026-02-10", "competitor"),
        usd("back2", 1, "acc-back", "60", "active", "2026-04-05"),
        usd("back2", 2, "acc-back", "60", "active", "2026-06-01").started("2026-04-05").cancel("2026-06-01", "2026-06-20", "support"),
        usd("back2", 3, "acc-back", "60", "canceled", "2026-06-20").started("2026-04-05").cancel("2026-06-01", "2026-06-20", "support"),
        // Moves to a free plan on Apr 12: MRR gone, no reason recorded; 193 days, established.
        usd("free", 1, "acc-free", "100", "active", "2025-10-01"),
        usd("free", 2, "acc-free", "0", "active", "2026-04-12").started("2025-10-01"),
        // Annual 1200 (100 a month) from 2025-09-01, ended mid-term on Mar 20: a cancellation between renewals; 200 days.
        v("annual", 1, "acc-annual", "core", "year", "1200", "USD", "active", "2025-09-01"),
        v("annual", 2, "acc-annual", "core", "year", "1200", "USD", "canceled", "2026-03-20").started("2025-09-01")
            .cancel("2026-03-20", "2026-03-20", "product_gap"),
        // Annual 1200 from 2025-03-01: its anniversary month is March, so it is in March's renewal pool, and renews.
        v("renew", 1, "acc-renew", "core", "year", "1200", "USD", "active", "2025-03-01"),
    };
    Dataset<Row> staged = versions(spark(), vs);
    MrrLedgerStage.Ledger ledger = MrrLedgerStage.compute(staged,
        spark().createDataFrame(List.of(), StagedTables.FX_RATES.schema()), LocalDate.parse("2026-06-30"), "USD", 3);
    // No invoices here: refunds have their own known answers (RefundsKnownAnswerTest); every event refunds 0.
    Dataset<Row> rates = MonthStartRates.apply(spark().createDataFrame(List.of(), StagedTables.FX_RATES.schema()),
        ledger.accounts().select("month").distinct(), "USD");
    events = ChurnRefunds.apply(ChurnEvents.apply(ledger.accounts(), staged, 30, 90),
        LedgerFixtures.invoices(spark()), rates, 30).cache();
    Dataset<Row> pool = RenewalPool.apply(SubscriptionMonthEnd.apply(staged, LocalDate.parse("2026-06-30")), staged);
    metrics = ChurnMetrics.apply(ledger.accounts(), events, pool).cache();
  }

  static Row event(String account, String month, String day, String lost, String reason, String group, String since,
      int tenure, String stage) {
    return RowFactory.create(account, Date.valueOf(month + "-01"), Date.valueOf(day), new BigDecimal(lost), reason, group,
        Date.valueOf(since), tenure, stage);
  }

  @Test
  void everyChurnIsAnEventWithItsDateReasonGroupAndStage() {
    DatasetAssertions.assertSameRows(List.of(
        event("acc-oob", "2026-03", "2026-03-15", "100", "out_of_business", "unavoidable", "2025-06-01", 287, "established"),
        event("acc-early", "2026-03", "2026-03-01", "50", "unknown", "unknown", "2026-02-01", 28, "early"),
        event("acc-price", "2026-05", "2026-05-01", "110", "price", "avoidable", "2025-12-01", 151, "established"),
        event("acc-back", "2026-02", "2026-02-10", "100", "competitor", "avoidable", "2025-01-01", 405, "established"),
        event("acc-back", "2026-06", "2026-06-20", "60", "support", "avoidable", "2026-04-05", 76, "early"),
        event("acc-free", "2026-04", "2026-04-12", "100", "unknown", "unknown", "2025-10-01", 193, "established"),
        event("acc-annual", "2026-03", "2026-03-20", "100", "product_gap", "avoidable", "2025-09-01", 200, "established")),
        events.select("account_id", "month", "churn_date", "lost_mrr", "reason", "reason_group", "customer_since",
            "tenure_days", "churn_stage").collectAsList());
  }

  @Test
  void eachLeverIsItsOwnColumnWithGrrNrrAndQuickRatioBeside() {
    List<Row> actual = metrics.where("month IN (DATE'2026-03-01', DATE'2026-04-01')")
        .selectExpr("month", "customers_start", "churned_accounts", "early_churned_accounts", "established_churned_accounts",
            "renewal_pool_accounts", "base_renewals", "churned_at_renewal", "cancellations_between_renewals",
            "start_mrr_at_rate", "expansion_mrr", "reactivation_mrr", "churn_mrr", "early_churn_mrr", "logo_churn_rate",
            "renewal_churn_rate", "revenue_churn_rate", "grr", "nrr", "quick_ratio").collectAsList();
    DatasetAssertions.assertSameRows(List.of(
        // March: oob 100 + early 50 + price 80 + free 100 + annual 100 + renew 100 = 530 at the start, 6 customers.
        // Churn: oob and early (monthly: at renewal) and annual (mid-term: between renewals) = 250; early is early churn.
        // Pool: the 4 monthly accounts + renew (anniversary) = 5; 3 renew. Price expands by 30.
        // Logo 3/6; renewal churn 2/5; revenue 250/530 = 0.471698; GRR 280/530 = 0.528302; NRR 310/530 = 0.584906;
        // quick 30/250 = 0.12.
        RowFactory.create(Date.valueOf("2026-03-01"), 6L, 3L, 1L, 2L, 5L, 3L, 2L, 1L, dec("530"), dec("30"), dec("0"),
            dec("250"), dec("50"), dec("0.5"), dec("0.4"), dec("0.471698"), dec("0.528302"), dec("0.584906"), dec("0.12")),
        // April: price 110 + free 100 + renew 100 = 310, 3 customers; pool = the 2 monthly ones; free churns (100);
        // acc-back returns (reactivation 60). Logo 1/3; renewal 1/2; revenue 100/310 = 0.322581;
        // GRR = NRR = 210/310 = 0.677419; quick 60/100.
        RowFactory.create(Date.valueOf("2026-04-01"), 3L, 1L, 0L, 1L, 2L, 1L, 1L, 0L, dec("310"), dec("0"), dec("60"),
            dec("100"), dec("0"), dec("0.333333"), dec("0.5"), dec("0.322581"), dec("0.677419"), dec("0.677419"),
            dec("0.6"))), actual);
  }

  private static BigDecimal dec(String value) {
    return new BigDecimal(value);
  }
}
