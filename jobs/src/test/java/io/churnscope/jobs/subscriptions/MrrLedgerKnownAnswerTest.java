package io.churnscope.jobs.subscriptions;

import static io.churnscope.jobs.subscriptions.LedgerFixtures.fx;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.usd;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.v;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.versions;
import static io.churnscope.jobs.subscriptions.LedgerRow.monthTotal;
import static io.churnscope.jobs.subscriptions.LedgerRow.row;
import static io.churnscope.jobs.subscriptions.LedgerRow.ledgerRows;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.jobs.subscriptions.LedgerFixtures.V;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The MRR ledger on a few hand-built subscription versions per case; every expected amount is
 * worked out by hand in the comments. Expected rows name their movements ({@link LedgerRow}); an
 * amount not named is zero.
 */
class MrrLedgerKnownAnswerTest extends SparkTestBase {
  /** The ledger of the versions (USD base, 3-month reactivation window), after its gates passed. */
  static MrrLedgerStage.Ledger compute(String runDate, Dataset<Row> fx, V... vs) {
    MrrLedgerStage.Ledger ledger = MrrLedgerStage.compute(versions(spark(), vs), fx, LocalDate.parse(runDate), "USD", 3);
    ledger.enforceGates();
    return ledger;
  }

  static MrrLedgerStage.Ledger compute(String runDate, V... vs) {
    return compute(runDate, spark().createDataFrame(List.of(), StagedTables.FX_RATES.schema()), vs);
  }

  static List<Row> products(MrrLedgerStage.Ledger ledger) {
    return ledger.products().selectExpr(LedgerRow.columns("month", "account_id", "product")).collectAsList();
  }

  static List<Row> accounts(MrrLedgerStage.Ledger ledger) {
    return ledger.accounts().selectExpr(LedgerRow.columns("month", "account_id")).collectAsList();
  }

  @Test
  void monthlyAndAnnualPlansAreSpreadMonthly() {
    // Annual 1000 → 1000 / 12 = 83.33333… → 83.3333 (rounded once, to 4 decimals).
    var ledger = compute("2026-03-15",
        usd("m", 1, "acc-m", "100", "active", "2026-01-10"),
        v("y", 1, "acc-y", "core", "year", "1000", "USD", "active", "2026-01-10"));
    DatasetAssertions.assertSameRows(ledgerRows(
        row("2026-01", "acc-m", "core").newMrr("100").end("100"),
        row("2026-02", "acc-m", "core").start("100").end("100"),
        row("2026-03", "acc-m", "core").start("100").end("100"),
        row("2026-01", "acc-y", "core").newMrr("83.3333").end("83.3333"),
        row("2026-02", "acc-y", "core").start("83.3333").end("83.3333"),
        row("2026-03", "acc-y", "core").start("83.3333").end("83.3333")), products(ledger));
    // The run's own month is measured at the run date, complete months at their last day.
    List<Row> asOf = ledger.products().where(col("account_id").equalTo("acc-m")).orderBy("month")
        .select("as_of_date").collectAsList();
    assertEquals(List.of(RowFactory.create(Date.valueOf("2026-01-31")), RowFactory.create(Date.valueOf("2026-02-28")),
        RowFactory.create(Date.valueOf("2026-03-15"))), asOf);
  }

  @Test
  void aMidMonthUpgradeIsExpansionAndADowngradeContraction() {
    // 100 from Jan; 150 from Feb 15 (in force at Feb's end: +50); 120 from Mar 20 (−30). Proration is not MRR.
    var ledger = compute("2026-03-31",
        usd("s", 1, "acc", "100", "active", "2026-01-01"),
        usd("s", 2, "acc", "150", "active", "2026-02-15").started("2026-01-01"),
        usd("s", 3, "acc", "120", "active", "2026-03-20").started("2026-01-01"));
    DatasetAssertions.assertSameRows(ledgerRows(
        row("2026-01", "acc", "core").newMrr("100").end("100"),
        row("2026-02", "acc", "core").start("100").expansion("50").end("150"),
        row("2026-03", "acc", "core").start("150").contraction("30").end("120")), products(ledger));
  }

  @Test
  void aSecondProductIsCrossSellForAContinuingAccountAndNewForANewOne() {
    // acc-a: core 100 from Jan, analytics 20 from Feb 10 (cross-sell), analytics dropped Mar 10 while core
    // continues (contraction, not churn). acc-b: core and analytics both start in Jan: both new.
    var ledger = compute("2026-03-31",
        usd("a1", 1, "acc-a", "100", "active", "2026-01-05"),
        v("a2", 1, "acc-a", "analytics", "month", "20", "USD", "active", "2026-02-10"),
        v("a2", 2, "acc-a", "analytics", "month", "20", "USD", "canceled", "2026-03-10").started("2026-02-10")
            .cancel("2026-03-10", "2026-03-10", "price"),
        usd("b1", 1, "acc-b", "100", "active", "2026-01-05"),
        v("b2", 1, "acc-b", "analytics", "month", "20", "USD", "active", "2026-01-20"));
    DatasetAssertions.assertSameRows(ledgerRows(
        row("2026-01", "acc-a", "core").newMrr("100").end("100"),
        row("2026-02", "acc-a", "core").start("100").end("100"),
        row("2026-03", "acc-a", "core").start("100").end("100"),
        row("2026-02", "acc-a", "analytics").crossSell("20").end("20"),
        row("2026-03", "acc-a", "analytics").start("20").contraction("20"),
        row("2026-01", "acc-b", "core").newMrr("100").end("100"),
        row("2026-02", "acc-b", "core").start("100").end("100"),
        row("2026-03", "acc-b", "core").start("100").end("100"),
        row("2026-01", "acc-b", "analytics").newMrr("20").end("20"),
        row("2026-02", "acc-b", "analytics").start("20").end("20"),
        row("2026-03", "acc-b", "analytics").start("20").end("20")), products(ledger));
    // The account rollup sums the products: acc-a in March starts at 120, loses 20, ends at 100.
    DatasetAssertions.assertSameRows(ledgerRows(
        row("2026-01", "acc-a").newMrr("100").end("100"),
        row("2026-02", "acc-a").start("100").crossSell("20").end("120"),
        row("2026-03", "acc-a").start("120").contraction("20").end("100"),
        row("2026-01", "acc-b").newMrr("120").end("120"),
        row("2026-02", "acc-b").start("120").end("120"),
        row("2026-03", "acc-b").start("120").end("120")),
        accounts(ledger));
  }

  @Test
  void foreignCurrenciesConvertAtTheMonthStartRateAndFxMovesApart() {
    // EUR: no rate on Jan 1, so January takes Jan 2's 1.10 (not Dec 31's, not Jan 20's); Feb 1.20; Mar 1.05.
    // GBP: 1.25, 1.30, 1.30.
    Dataset<Row> rates = fx(spark(),
        "2025-12-31", "EUR", "1.00", "2026-01-02", "EUR", "1.10", "2026-01-20", "EUR", "1.15",
        "2026-02-01", "EUR", "1.20", "2026-03-01", "EUR", "1.05",
        "2026-01-01", "GBP", "1.25", "2026-02-01", "GBP", "1.30", "2026-03-01", "GBP", "1.30");
    var ledger = compute("2026-03-31", rates,
        // 100 EUR a month from Jan 10; 200 EUR from Mar 5.
        v("e", 1, "acc-eur", "core", "month", "100", "EUR", "active", "2026-01-10"),
        v("e", 2, "acc-eur", "core", "month", "200", "EUR", "active", "2026-03-05").started("2026-01-10"),
        // 600 GBP a year = 50 GBP a month from Jan 15.
        v("g", 1, "acc-gbp", "core", "year", "600", "GBP", "active", "2026-01-15"));
    DatasetAssertions.assertSameRows(ledgerRows(
        // Jan: 100 × 1.10 = 110. Feb: start 110; at Feb's rate 120, so fx +10, end 120.
        row("2026-01", "acc-eur", "core").newMrr("110").end("110"),
        row("2026-02", "acc-eur", "core").start("110").fx("10").end("120"),
        // Mar: start 120; at Mar's rate 105 (fx −15); end 200 × 1.05 = 210, so expansion 210 − 105 = 105.
        row("2026-03", "acc-eur", "core").start("120").expansion("105").fx("-15").end("210"),
        // Jan: 50 × 1.25 = 62.5. Feb: 50 × 1.30 = 65, all of it FX (+2.5). Mar: same rate, no movement.
        row("2026-01", "acc-gbp", "core").newMrr("62.5").end("62.5"),
        row("2026-02", "acc-gbp", "core").start("62.5").fx("2.5").end("65"),
        row("2026-03", "acc-gbp", "core").start("65").end("65")), products(ledger));
    // Month totals keep the identity too: March 185 + 105 − 15 = 275.
    DatasetAssertions.assertSameRows(ledgerRows(monthTotal("2026-03").start("185").expansion("105").fx("-15").end("275")),
        MrrLedgerStage.monthTotals(ledger.products()).where(col("month").equalTo(Date.valueOf("2026-03-01")))
            .selectExpr(LedgerRow.columns("month")).collectAsList());
  }

  @Test
  void anotherBaseCurrencyDividesByItsOwnRate() {
    // Base EUR: EUR is worth 1.10 USD in January, 1.25 in February. A USD 110 subscription is
    // 110 / 1.10 = 100 EUR in January, 110 / 1.25 = 88 EUR in February: all of the −12 is FX.
    Dataset<Row> rates = fx(spark(), "2026-01-01", "EUR", "1.10", "2026-02-01", "EUR", "1.25");
    MrrLedgerStage.Ledger ledger = MrrLedgerStage.compute(versions(spark(), usd("u", 1, "acc-usd", "110", "active",
        "2026-01-05")), rates, LocalDate.parse("2026-02-28"), "EUR", 3);
    ledger.enforceGates();
    DatasetAssertions.assertSameRows(ledgerRows(
        row("2026-01", "acc-usd", "core").newMrr("100").end("100"),
        row("2026-02", "acc-usd", "core").start("100").fx("-12").end("88")), products(ledger));
  }

  @Test
  void churnHappensWhenTheCancellationTakesEffectNotWhenItIsRequested() {
    // acc-c: asked on Feb 20 to cancel on Mar 15: still MRR at Feb's end, churned in March.
    // acc-d: asked on Feb 20 to end on Apr 1, and no canceled version follows: MRR through March, churn in April.
    var ledger = compute("2026-04-30",
        usd("c", 1, "acc-c", "100", "active", "2026-01-01"),
        usd("c", 2, "acc-c", "100", "active", "2026-02-20").started("2026-01-01").cancel("2026-02-20", "2026-03-15", "price"),
        usd("c", 3, "acc-c", "100", "canceled", "2026-03-15").started("2026-01-01").cancel("2026-02-20", "2026-03-15", "price"),
        usd("d", 1, "acc-d", "100", "active", "2026-01-01"),
        usd("d", 2, "acc-d", "100", "active", "2026-02-20").started("2026-01-01").cancel("2026-02-20", "2026-04-01", "support"));
    DatasetAssertions.assertSameRows(ledgerRows(
        row("2026-01", "acc-c", "core").newMrr("100").end("100"),
        row("2026-02", "acc-c", "core").start("100").end("100"),
        row("2026-03", "acc-c", "core").start("100").churn("100"),
        row("2026-01", "acc-d", "core").newMrr("100").end("100"),
        row("2026-02", "acc-d", "core").start("100").end("100"),
        row("2026-03", "acc-d", "core").start("100").end("100"),
        row("2026-04", "acc-d", "core").start("100").churn("100")), products(ledger));
  }

  @Test
  void aReturnWithinTheWindowIsReactivationAndLaterIsNew() {
    // Both pay 100 in January and churn in February (ended Feb 10). acc-in returns in May: 3 months after
    // the churn month (≤ 3: reactivation). acc-out returns in June: 4 months after (> 3: new).
    var ledger = compute("2026-06-30",
        usd("i1", 1, "acc-in", "100", "active", "2026-01-01"),
        usd("i1", 2, "acc-in", "100", "canceled", "2026-02-10").started("2026-01-01").cancel("2026-02-01", "2026-02-10", "price"),
        usd("i2", 1, "acc-in", "80", "active", "2026-05-03"),
        usd("o1", 1, "acc-out", "100", "active", "2026-01-01"),
        usd("o1", 2, "acc-out", "100", "canceled", "2026-02-10").started("2026-01-01").cancel("2026-02-01", "2026-02-10", "price"),
        usd("o2", 1, "acc-out", "80", "active", "2026-06-03"));
    DatasetAssertions.assertSameRows(ledgerRows(
        row("2026-01", "acc-in", "core").newMrr("100").end("100"),
        row("2026-02", "acc-in", "core").start("100").churn("100"),
        row("2026-05", "acc-in", "core").reactivation("80").end("80"),
        row("2026-06", "acc-in", "core").start("80").end("80"),
        row("2026-01", "acc-out", "core").newMrr("100").end("100"),
        row("2026-02", "acc-out", "core").start("100").churn("100"),
        row("2026-06", "acc-out", "core").newMrr("80").end("80")), products(ledger));
  }

  @Test
  void aTrialIsNotMrrWhetherItConvertsOrLapses() {
    // acc-conv: trialing Jan 20 – Feb 3 (the trial version carries its would-be price), active from Feb 3.
    // acc-lapse: trialing from Jan 20, canceled at the trial's end. acc-free-trial: active at amount 0
    // during the trial, 100 from Feb 3.
    var ledger = compute("2026-03-31",
        usd("t1", 1, "acc-conv", "100", "trialing", "2026-01-20").trial("2026-01-20", "2026-02-03"),
        usd("t1", 2, "acc-conv", "100", "active", "2026-02-03").started("2026-01-20").trial("2026-01-20", "2026-02-03"),
        usd("t2", 1, "acc-lapse", "100", "trialing", "2026-01-20").trial("2026-01-20", "2026-02-03"),
        usd("t2", 2, "acc-lapse", "100", "canceled", "2026-02-03").started("2026-01-20").trial("2026-01-20", "2026-02-03")
            .cancel(null, "2026-02-03", null),
        usd("t3", 1, "acc-free-trial", "0", "active", "2026-01-20").trial("2026-01-20", "2026-02-03"),
        usd("t3", 2, "acc-free-trial", "100", "active", "2026-02-03").started("2026-01-20").trial("2026-01-20", "2026-02-03"));
    DatasetAssertions.assertSameRows(ledgerRows(
        row("2026-02", "acc-conv", "core").newMrr("100").end("100"),
        row("2026-03", "acc-conv", "core").start("100").end("100"),
        row("2026-02", "acc-free-trial", "core").newMrr("100").end("100"),
        row("2026-03", "acc-free-trial", "core").start("100").end("100")), products(ledger));
  }

  @Test
  void anOpenEndedSubscriptionRunsToTheRunDate() {
    var ledger = compute("2026-02-10", usd("o", 1, "acc-o", "100", "active", "2025-11-01"));
    DatasetAssertions.assertSameRows(ledgerRows(
        row("2025-11", "acc-o", "core").newMrr("100").end("100"),
        row("2025-12", "acc-o", "core").start("100").end("100"),
        row("2026-01", "acc-o", "core").start("100").end("100"),
        row("2026-02", "acc-o", "core").start("100").end("100")), products(ledger));
  }

  @Test
  void aSubscriptionStartingAndEndingInOneMonthLeavesNoEndOfMonthMrr() {
    // acc-k pays 100 for core all along; an add-on runs Mar 3 – Mar 25 only. acc-s starts and ends in March.
    var ledger = compute("2026-04-30",
        usd("k1", 1, "acc-k", "100", "active", "2026-02-01"),
        v("k2", 1, "acc-k", "automation", "month", "30", "USD", "active", "2026-03-03"),
        v("k2", 2, "acc-k", "automation", "month", "30", "USD", "canceled", "2026-03-25").started("2026-03-03")
            .cancel("2026-03-25", "2026-03-25", "no_usage"),
        usd("s1", 1, "acc-s", "50", "active", "2026-03-03"),
        usd("s1", 2, "acc-s", "50", "canceled", "2026-03-20").started("2026-03-03").cancel("2026-03-20", "2026-03-20", "price"));
    DatasetAssertions.assertSameRows(ledgerRows(
        row("2026-02", "acc-k", "core").newMrr("100").end("100"),
        row("2026-03", "acc-k", "core").start("100").end("100"),
        row("2026-04", "acc-k", "core").start("100").end("100")), products(ledger));
  }

  @Test
  void aFreePlanIsNoMrrAndMovingToOneIsChurn() {
    // acc-z: free from January, 50 from March (new). acc-p: 100 in January, free from Feb 10 (MRR gone: churn).
    var ledger = compute("2026-03-31",
        usd("z", 1, "acc-z", "0", "active", "2026-01-01"),
        usd("z", 2, "acc-z", "50", "active", "2026-03-08").started("2026-01-01"),
        usd("p", 1, "acc-p", "100", "active", "2026-01-01"),
        usd("p", 2, "acc-p", "0", "active", "2026-02-10").started("2026-01-01"));
    DatasetAssertions.assertSameRows(ledgerRows(
        row("2026-03", "acc-z", "core").newMrr("50").end("50"),
        row("2026-01", "acc-p", "core").newMrr("100").end("100"),
        row("2026-02", "acc-p", "core").start("100").churn("100")), products(ledger));
  }
}
