package io.churnscope.jobs.subscriptions;

import static io.churnscope.jobs.subscriptions.LedgerFixtures.crm;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.crmAccounts;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.fx;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.invoice;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.invoices;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.usd;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.v;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.versions;
import static io.churnscope.jobs.subscriptions.LedgerRow.row;
import static io.churnscope.jobs.subscriptions.LedgerRow.ledgerRows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The subscription stages as the nightly runs them, on a hand-built staged lake with invoices of
 * every kind: refunds reach churn events and metrics (known answers worked out below), proration and
 * one-off invoices leave MRR alone, and account_status keeps one partition per run date (a re-run
 * replaces its own date only).
 *
 * <p>acc-r: 100 EUR a month from Jan 1 (EUR 1.10 through March, 1.20 from April: 110 USD), asked Mar 5
 * to end Mar 20; a 25 EUR proration on Feb 15; a 40 EUR refund on Mar 22 (2 days after the churn:
 * 40 × 1.10 = 44 USD) and a 10 EUR refund on May 10 (51 days after: outside the 30-day window).
 * acc-u: 200 USD a month from Jan 1, 300 from Feb 15 (a 50 USD proration that day, a 500 USD one-off
 * on Feb 20), asked Mar 25 to end Apr 10; a 60 USD refund on Apr 1 (9 days before the churn: counted).
 */
class SubscriptionMartsOnALakeTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static Lake lake;
  static Dataset<Row> staged;
  static List<Row> statusAfterFirstApril;

  @BeforeAll
  static void stageAndRun() throws Exception {
    lake = new Lake(dir.toString());
    staged = versions(spark(),
        v("r", 1, "acc-r", "core", "month", "100", "EUR", "active", "2026-01-01"),
        v("r", 2, "acc-r", "core", "month", "100", "EUR", "active", "2026-03-05").started("2026-01-01")
            .cancel("2026-03-05", "2026-03-20", "price"),
        v("r", 3, "acc-r", "core", "month", "100", "EUR", "canceled", "2026-03-20").started("2026-01-01")
            .cancel("2026-03-05", "2026-03-20", "price"),
        usd("u", 1, "acc-u", "200", "active", "2026-01-01"),
        usd("u", 2, "acc-u", "300", "active", "2026-02-15").started("2026-01-01"),
        usd("u", 3, "acc-u", "300", "active", "2026-03-25").started("2026-01-01").cancel("2026-03-25", "2026-04-10", "support"),
        usd("u", 4, "acc-u", "300", "canceled", "2026-04-10").started("2026-01-01").cancel("2026-03-25", "2026-04-10", "support"));
    DeltaIO.overwrite(spark(), lake, StagedTables.SUBSCRIPTION_VERSIONS, staged);
    DeltaIO.overwrite(spark(), lake, StagedTables.INVOICES, invoices(spark(),
        invoice("i1", "r", "acc-r", "2026-01-01", "recurring", "100", "EUR"),
        invoice("i2", "r", "acc-r", "2026-02-15", "proration", "25", "EUR"),
        invoice("i3", "r", "acc-r", "2026-03-22", "refund", "40", "EUR"),
        invoice("i4", "r", "acc-r", "2026-05-10", "refund", "10", "EUR"),
        invoice("i5", "u", "acc-u", "2026-01-01", "recurring", "200", "USD"),
        invoice("i6", "u", "acc-u", "2026-02-15", "proration", "50", "USD"),
        invoice("i7", "u", "acc-u", "2026-02-20", "one_off", "500", "USD"),
        invoice("i8", "u", "acc-u", "2026-04-01", "refund", "60", "USD")));
    DeltaIO.overwrite(spark(), lake, StagedTables.FX_RATES, fx(spark(), "2026-01-01", "EUR", "1.10",
        "2026-02-01", "EUR", "1.10", "2026-03-01", "EUR", "1.10", "2026-04-01", "EUR", "1.20", "2026-05-01", "EUR", "1.20"));
    DeltaIO.overwrite(spark(), lake, StagedTables.CRM_ACCOUNTS, crmAccounts(spark(),
        crm("acc-r", "2025-12-20", "organic", null, "2025-12-20"), crm("acc-u", "2025-12-20", "organic", null, "2025-12-20")));
    nightly("2026-03-31");
    nightly("2026-04-30");
    statusAfterFirstApril = DeltaIO.read(spark(), lake, MartTables.ACCOUNT_STATUS).collectAsList();
    nightly("2026-04-30");
  }

  /** The subscription stages in DAG order for one date. */
  static void nightly(String day) throws Exception {
    RunContext run = new RunContext("test-" + day, LocalDate.parse(day), lake, ChurnscopeConfig.defaults());
    for (Stage stage : List.of(new MrrLedgerStage(), new ChurnMetricsStage(), new AccountStatusStage(),
        new TrialConversionStage(), new CohortRetentionStage())) {
      stage.validate(run.config());
      stage.run(spark(), run);
    }
  }

  @Test
  void refundsWithinTheWindowOfTheChurnAreInTheChurnEventsInTheBaseCurrency() {
    DatasetAssertions.assertSameRows(List.of(
        RowFactory.create("acc-r", Date.valueOf("2026-03-01"), Date.valueOf("2026-03-20"), dec("110"), dec("44")),
        RowFactory.create("acc-u", Date.valueOf("2026-04-01"), Date.valueOf("2026-04-10"), dec("300"), dec("60"))),
        DeltaIO.read(spark(), lake, MartTables.CHURN_EVENTS)
            .select("account_id", "month", "churn_date", "lost_mrr", "refunded_amount").collectAsList());
  }

  @Test
  void churnMetricsReportRefundsBesideRevenueChurnNotInIt() {
    DatasetAssertions.assertSameRows(List.of(
        // March: 2 customers (110 + 300 = 410), acc-r churns 110: revenue churn 110 / 410 = 0.268293; refunds apart.
        RowFactory.create(Date.valueOf("2026-03-01"), dec("110"), dec("0.268293"), 1L, dec("44")),
        // April: acc-u alone (300) churns: 300 / 300 = 1.
        RowFactory.create(Date.valueOf("2026-04-01"), dec("300"), dec("1"), 1L, dec("60")),
        RowFactory.create(Date.valueOf("2026-01-01"), dec("0"), dec("0"), 0L, dec("0")),
        RowFactory.create(Date.valueOf("2026-02-01"), dec("0"), dec("0"), 0L, dec("0"))),
        DeltaIO.read(spark(), lake, MartTables.CHURN_METRICS)
            .select("month", "churn_mrr", "revenue_churn_rate", "refunded_accounts", "refunded_amount").collectAsList());
  }

  @Test
  void prorationAndOneOffInvoicesNeverMoveMrr() {
    // February: acc-u's 50 proration and 500 one-off are not MRR; its expansion is exactly the new version's 300 − 200.
    // acc-r's 25 EUR proration changes nothing either.
    List<Row> expected = ledgerRows(
        row("2026-01", "acc-r", "core").newMrr("110").end("110"),
        row("2026-02", "acc-r", "core").start("110").end("110"),
        row("2026-03", "acc-r", "core").start("110").churn("110"),
        row("2026-01", "acc-u", "core").newMrr("200").end("200"),
        row("2026-02", "acc-u", "core").start("200").expansion("100").end("300"),
        row("2026-03", "acc-u", "core").start("300").end("300"),
        row("2026-04", "acc-u", "core").start("300").churn("300"));
    DatasetAssertions.assertSameRows(expected, DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER)
        .selectExpr(LedgerRow.columns("month", "account_id", "product")).collectAsList());
    // The invoices do exist on the lake, prorations included: it is the ledger that ignores them.
    assertEquals(2, DeltaIO.read(spark(), lake, StagedTables.INVOICES).where("kind = 'proration'").count());
  }

  @Test
  void accountStatusKeepsOneSnapshotPerRunDateAndAReRunReplacesOnlyItsOwn() {
    Dataset<Row> status = DeltaIO.read(spark(), lake, MartTables.ACCOUNT_STATUS);
    DatasetAssertions.assertSameRows(List.of(
        // March 31: acc-u pays 300 with its end scheduled for Apr 10 (no renewal ahead); acc-r churned early
        // (asked 63 days in, but 78 days of tenure < the 90-day stick point).
        RowFactory.create(Date.valueOf("2026-03-31"), "acc-u", "customer", dec("300"), Date.valueOf("2026-04-10"), null),
        RowFactory.create(Date.valueOf("2026-03-31"), "acc-r", "early_churned", dec("0"), null, null),
        // April 30: acc-u churned after 99 days: established.
        RowFactory.create(Date.valueOf("2026-04-30"), "acc-u", "churned", dec("0"), null, null),
        RowFactory.create(Date.valueOf("2026-04-30"), "acc-r", "early_churned", dec("0"), null, null)),
        status.select("snapshot_date", "account_id", "lifecycle_status", "mrr", "scheduled_end_date", "next_renewal_date")
            .collectAsList());
    DatasetAssertions.assertSameRows(statusAfterFirstApril, status.collectAsList());
  }

  private static BigDecimal dec(String value) {
    return new BigDecimal(value);
  }
}
