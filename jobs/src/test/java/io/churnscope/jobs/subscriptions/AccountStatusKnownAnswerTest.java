package io.churnscope.jobs.subscriptions;

import static io.churnscope.jobs.subscriptions.LedgerFixtures.crm;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.crmAccounts;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.usd;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.v;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.quality.QualityGate;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * marts.account_status on eight hand-built accounts, run date 2026-06-30, ARR tiers [5000, 2000]
 * (so Tier 1 from 5000, Tier 2 from 2000, Tier 3 below); every value worked out in the comments.
 */
class AccountStatusKnownAnswerTest extends SparkTestBase {
  static final LocalDate RUN = LocalDate.parse("2026-06-30");
  static Dataset<Row> status;
  static MrrLedgerStage.Ledger ledger;
  static Dataset<Row> staged;
  static Dataset<Row> crm;
  static Dataset<Row> events;
  static final ArrTiers TIERS = new ArrTiers(List.of(new BigDecimal("5000"), new BigDecimal("2000")));

  @BeforeAll
  static void compute() {
    staged = versions(spark(),
        // Core 500 a month from Jan 31 2025 (10 seats) + analytics 1200 a year from Mar 1 2026 (100 a month,
        // licensed per core seat). MRR 600, ARR 7200: Tier 1. Core renews on the 31st, or the month's last day:
        // Jun 30 is this month's anniversary, so the next is Jul 31 (analytics: 2027-03-01). Tenure Jan 31 2025
        // to Jun 30 2026 = 515 days. Seats: the core's 10, not 20.
        usd("c1", 1, "acc-cust", "500", "active", "2025-01-31").seats(10),
        v("c2", 1, "acc-cust", "analytics", "year", "1200", "USD", "active", "2026-03-01").seats(10),
        // Annual 2400 from Sep 10 2025 (3 seats), past_due since Jun 20: MRR 200, ARR 2400 (Tier 2), still a
        // customer, past_due; next anniversary 2026-09-10; tenure 293 days.
        v("p", 1, "acc-pd", "core", "year", "2400", "USD", "active", "2025-09-10").seats(3),
        v("p", 2, "acc-pd", "core", "year", "2400", "USD", "past_due", "2026-06-20").started("2025-09-10").seats(3),
        // A trial running Jun 20 - Jul 4: a prospect with an open trial, no MRR.
        usd("t", 1, "acc-trial", "100", "trialing", "2026-06-20").trial("2026-06-20", "2026-07-04"),
        // A trial Mar 1 - Mar 15 that never paid: a prospect whose trial lapsed.
        usd("l", 1, "acc-lapsed", "100", "trialing", "2026-03-01").trial("2026-03-01", "2026-03-15"),
        usd("l", 2, "acc-lapsed", "100", "canceled", "2026-03-15").started("2026-03-01").trial("2026-03-01", "2026-03-15")
            .cancel(null, "2026-03-15", null),
        // Paid from Apr 1, asked Apr 10 to end May 1: 30 days of tenure, early churn.
        usd("e", 1, "acc-early", "50", "active", "2026-04-01"),
        usd("e", 2, "acc-early", "50", "active", "2026-04-10").started("2026-04-01").cancel("2026-04-10", "2026-05-01", "price"),
        usd("e", 3, "acc-early", "50", "canceled", "2026-05-01").started("2026-04-01").cancel("2026-04-10", "2026-05-01", "price"),
        // Paid from Jun 1 2025, ended Feb 10 2026 (asked Jan 25): 254 days, established churn.
        usd("g", 1, "acc-gone", "100", "active", "2025-06-01"),
        usd("g", 2, "acc-gone", "100", "canceled", "2026-02-10").started("2025-06-01").cancel("2026-01-25", "2026-02-10", "price"),
        // Churned Jan 20, back Mar 5 at 80 (customer since Mar 5: 117 days), then asked Jun 25 to end Jul 31:
        // still a customer (MRR 80, ARR 960: Tier 3) with no renewal ahead and its end scheduled for Jul 31.
        usd("b1", 1, "acc-back", "100", "active", "2025-01-01"),
        usd("b1", 2, "acc-back", "100", "canceled", "2026-01-20").started("2025-01-01").cancel("2026-01-05", "2026-01-20", "support"),
        usd("b2", 1, "acc-back", "80", "active", "2026-03-05"),
        usd("b2", 2, "acc-back", "80", "active", "2026-06-25").started("2026-03-05").cancel("2026-06-25", "2026-07-31", "price"));
    crm = crmAccounts(spark(),
        crm("acc-cust", "2025-01-10", "organic", "spring", "2025-01-10"),
        // Known only to the CRM: a prospect without a trial.
        crm("acc-crm", "2026-05-01", "paid_search", null, "2026-05-01"),
        // Created after the run date: not in the snapshot.
        crm("acc-future", "2026-07-05", "organic", null, "2026-07-05"));
    ledger = MrrLedgerStage.compute(staged, spark().createDataFrame(List.of(), StagedTables.FX_RATES.schema()), RUN, "USD", 3);
    events = ChurnEvents.apply(ledger.accounts(), staged, 30, 90);
    status = AccountStatus.apply(crm, staged, ledger.accounts(), events, RUN, TIERS, List.of("core")).cache();
  }

  static Row row(String account, String lifecycle, String trial, String since, Integer tenure, String lastChurn, String mrr,
      String arr, String tier, String nextRenewal, String scheduledEnd, boolean pastDue, Integer seats) {
    return RowFactory.create(account, lifecycle, trial, date(since), tenure, date(lastChurn), new BigDecimal(mrr),
        new BigDecimal(arr), tier, date(nextRenewal), date(scheduledEnd), pastDue, seats);
  }

  @Test
  void eachAccountHasItsStatusTenureMrrTierRenewalAndSeats() {
    DatasetAssertions.assertSameRows(List.of(
        row("acc-cust", "customer", "none", "2025-01-31", 515, null, "600", "7200", "Tier 1", "2026-07-31", null, false, 10),
        row("acc-pd", "customer", "none", "2025-09-10", 293, null, "200", "2400", "Tier 2", "2026-09-10", null, true, 3),
        row("acc-trial", "prospect", "open", null, null, null, "0", "0", null, null, null, false, null),
        row("acc-lapsed", "prospect", "lapsed", null, null, null, "0", "0", null, null, null, false, null),
        row("acc-early", "early_churned", "none", "2026-04-01", 30, "2026-05-01", "0", "0", null, null, null, false, null),
        row("acc-gone", "churned", "none", "2025-06-01", 254, "2026-02-10", "0", "0", null, null, null, false, null),
        row("acc-back", "customer", "none", "2026-03-05", 117, "2026-01-20", "80", "960", "Tier 3", null, "2026-07-31", false, 1),
        row("acc-crm", "prospect", "none", null, null, null, "0", "0", null, null, null, false, null)),
        status.select("account_id", "lifecycle_status", "trial_status", "customer_since", "tenure_days", "last_churn_date",
            "mrr", "arr", "arr_tier", "next_renewal_date", "scheduled_end_date", "past_due", "seats").collectAsList());
  }

  /**
   * The many-date form joins every part on account and date: the same account ids on two dates (each
   * date's copy of the rows the same) give each date exactly the rows the one-date form gives it, once.
   */
  @Test
  void severalDatesInOnePlanEqualEachDateOnItsOwn() {
    LocalDate march = LocalDate.parse("2026-03-31");
    Dataset<Row> dates = spark().createDataFrame(List.of(RowFactory.create(Date.valueOf(RUN)), RowFactory.create(Date.valueOf(march))),
        new org.apache.spark.sql.types.StructType().add("as_of_date", org.apache.spark.sql.types.DataTypes.DateType));
    Dataset<Row> both = AccountStatus.at(crm.crossJoin(dates), staged.crossJoin(dates), ledger.accounts(), events, TIERS,
        List.of("core"));
    Dataset<Row> each = status.unionByName(AccountStatus.apply(crm, staged, ledger.accounts(), events, march, TIERS,
        List.of("core")));
    assertEquals(13, each.count(), "8 accounts on Jun 30, 5 on Mar 31 (acc-trial, acc-early and acc-crm are not known yet)");
    DatasetAssertions.assertSameRows(each.collectAsList(), both.collectAsList());
  }

  @Test
  void productsAndPlansAreThoseInForceAndTheSnapshotIsDated() {
    Row cust = status.where("account_id = 'acc-cust'").selectExpr("snapshot_date", "products", "plans").first();
    assertEquals(Date.valueOf(RUN), cust.getDate(0));
    assertEquals(List.of("analytics", "core"), cust.getList(1));
    assertEquals(List.of("analytics:plan", "core:plan"), cust.getList(2));
    assertEquals(List.of("core"), status.where("account_id = 'acc-back'").first().getList(
        status.first().fieldIndex("products")));
  }

  @Test
  void theGatePassesHereAndCatchesACustomerWithoutMrr() {
    AccountStatusStage.gate(status, ledger.accounts(), RUN).enforce(status);
    Dataset<Row> broken = status.withColumn("lifecycle_status",
        org.apache.spark.sql.functions.when(org.apache.spark.sql.functions.col("account_id").equalTo("acc-crm"), "customer")
            .otherwise(org.apache.spark.sql.functions.col("lifecycle_status")));
    QualityGate.QualityGateFailure failure = assertThrows(QualityGate.QualityGateFailure.class,
        () -> AccountStatusStage.gate(broken, ledger.accounts(), RUN).enforce(broken));
    assertEquals(true, failure.getMessage().contains("customer_iff_mrr (1 rows)"), failure.getMessage());
  }

  @Test
  void arrTiersComeFromTheConfigAndMustDecrease(@TempDir Path dir) throws Exception {
    assertEquals(List.of(new BigDecimal("120000"), new BigDecimal("24000")),
        ArrTiers.from(ChurnscopeConfig.defaults()).thresholds());
    Path bad = Files.writeString(dir.resolve("bad.conf"), "subscriptions.arr-tiers = [1000, 5000]");
    UserError error = assertThrows(UserError.class, () -> ArrTiers.from(ChurnscopeConfig.load(bad.toFile(), Map.of())));
    assertEquals(true, error.getMessage().contains("strictly decreasing"), error.getMessage());
  }

  private static Date date(String day) {
    return day == null ? null : Date.valueOf(day);
  }
}
