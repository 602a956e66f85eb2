package io.churnscope.jobs.subscriptions;

import static io.churnscope.jobs.subscriptions.LedgerFixtures.usd;
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
    };
    Dataset<Row> staged = versions(spark(), vs);
    MrrLedgerStage.Ledger ledger = MrrLedgerStage.compute(staged,
        spark().createDataFrame(List.of(), StagedTables.FX_RATES.schema()), LocalDate.parse("2026-06-30"), "USD", 3);
    events = ChurnEvents.apply(ledger.accounts(), staged, 30, 90).cache();
    metrics = ChurnMetrics.apply(ledger.accounts(), events).cache();
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
        event("acc-free", "2026-04", "2026-04-12", "100", "unknown", "unknown", "2025-10-01", 193, "established")),
        events.select("account_id", "month", "churn_date", "lost_mrr", "reason", "reason_group", "customer_since",
            "tenure_days", "churn_stage").collectAsList());
  }

  @Test
  void eachLeverIsItsOwnColumnWithGrrNrrAndQuickRatioBeside() {
    List<Row> actual = metrics.where("month IN (DATE'2026-03-01', DATE'2026-04-01')")
        .selectExpr("month", "customers_start", "churned_accounts", "early_churned_accounts", "established_churned_accounts",
            "start_mrr_at_rate", "expansion_mrr", "reactivation_mrr", "churn_mrr", "early_churn_mrr", "logo_churn_rate",
            "revenue_churn_rate", "grr", "nrr", "quick_ratio").collectAsList();
    DatasetAssertions.assertSameRows(List.of(
        // March: oob 100 + early 50 + price 80 + free 100 = 330 at the start, 4 customers; oob and early churn (150),
        // early is early churn; price expands by 30. Logo 2/4; revenue 150/330; GRR 180/330; NRR 210/330; quick 30/150.
        RowFactory.create(Date.valueOf("2026-03-01"), 4L, 2L, 1L, 1L, dec("330"), dec("30"), dec("0"), dec("150"), dec("50"),
            dec("0.5"), dec("0.454545"), dec("0.545455"), dec("0.636364"), dec("0.2")),
        // April: price 110 + free 100 = 210, 2 customers; free churns (100); acc-back returns (reactivation 60).
        // Logo 1/2; revenue 100/210 = 0.476190; GRR = NRR = 110/210 = 0.523810; quick 60/100.
        RowFactory.create(Date.valueOf("2026-04-01"), 2L, 1L, 0L, 1L, dec("210"), dec("0"), dec("60"), dec("100"), dec("0"),
            dec("0.5"), dec("0.47619"), dec("0.52381"), dec("0.52381"), dec("0.6"))), actual);
  }

  private static BigDecimal dec(String value) {
    return new BigDecimal(value);
  }
}
