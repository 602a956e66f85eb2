package io.churnscope.jobs.subscriptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.testing.DuckDbReader;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.jobs.ingest.mapping.MappedIngest;
import java.io.File;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RavenStack (../shared/datasets/ravenstack) ingested through conf/mappings/ravenstack.conf, then
 * {@code mrr-ledger} and {@code churn-metrics} at 2024-12-31 (its last day).
 *
 * <p>What can and cannot match. RavenStack's churn events were generated apart from its
 * subscriptions: every one of its 500 accounts still has an open, paying (non-trial) subscription on
 * 2024-12-31, and of its 600 churn events only 1 falls in a month at whose start the account paid
 * and at whose end it no longer did. The other 599 cannot be churn in any MRR ledger built from
 * these subscriptions: 559 (59 of them flagged is_reactivation) fall in months at whose end the
 * account still pays, 40 (2 flagged is_reactivation) in months in which it paid at neither end. The
 * ledger's own churn is 2 account-months. So the test is exact on what should match: (1) the ledger's
 * churn events are exactly the account-months that DuckDB, over the raw CSV, finds paying at the
 * previous month's end and not at this one's; (2) every RavenStack churn event that the
 * subscriptions corroborate is a ledger churn event of the same account and month; (3) the counts
 * above, so a change of data or mapping shows here.
 */
class RavenStackLedgerTest extends SparkTestBase {
  static final LocalDate RUN = LocalDate.parse("2024-12-31");

  @TempDir
  static Path dir;
  static Lake lake;
  static File raven;

  @BeforeAll
  static void ingestAndRunTheLedger() {
    raven = new File(sharedDir(), "datasets/ravenstack");
    assertTrue(raven.isDirectory(), "RavenStack not found at " + raven.getAbsolutePath());
    lake = new Lake(dir.toString());
    MappedIngest.Args args = new MappedIngest.Args();
    args.mapping = "ravenstack";
    args.sourceDir = raven.getAbsolutePath();
    args.lake = lake.root();
    args.runDate = LocalDate.parse("2025-01-01");
    MappedIngest.run(spark(), args);
    RunContext run = new RunContext("ravenstack-test", RUN, lake, ChurnscopeConfig.defaults());
    new MrrLedgerStage().run(spark(), run);
    new ChurnMetricsStage().run(spark(), run);
  }

  private String csv(String name) {
    return "read_csv_auto('" + raven.toPath().resolve(name) + "', all_varchar = true)";
  }

  /** Paying (non-trial) subscription spans from the raw file, independent of the mapping. */
  private String subsView() {
    return "CREATE OR REPLACE VIEW subs AS SELECT account_id, CAST(start_date AS DATE) AS s, TRY_CAST(end_date AS DATE) AS e "
        + "FROM " + csv("ravenstack_subscriptions.csv") + " WHERE is_trial = 'False' AND CAST(mrr_amount AS DECIMAL(18,4)) > 0";
  }

  @Test
  void theIdentityHoldsOnEveryRowOfBothGrains() {
    Dataset<Row> products = DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER);
    Dataset<Row> accounts = DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER_ACCOUNT);
    assertTrue(accounts.count() > 5000, "ledger rows: " + accounts.count());
    assertEquals(0, products.where(LedgerChecks.identityGap().notEqual(0)).count());
    assertEquals(0, accounts.where(LedgerChecks.identityGap().notEqual(0)).count());
    // All 500 accounts pay at the run date: no RavenStack account is churned by its own subscriptions.
    assertEquals(500, accounts.where("month = DATE'2024-12-01' AND end_mrr > 0").count());
  }

  @Test
  void churnEventsAreExactlyTheAccountMonthsThatStopPayingAndMatchRavenStackWhereItsBillingAgrees() {
    Set<String> ledger = new TreeSet<>();
    DeltaIO.read(spark(), lake, MartTables.CHURN_EVENTS).selectExpr("account_id", "date_format(month, 'yyyy-MM')")
        .collectAsList().forEach(r -> ledger.add(r.getString(0) + " " + r.getString(1)));
    try (DuckDbReader duck = new DuckDbReader()) {
      duck.execute(subsView());
      // (1) Account-months paying at the previous month's end and not at this one's (the run month ends on the run date).
      Set<String> stopped = new TreeSet<>();
      for (List<Object> row : duck.query("""
          WITH months AS (SELECT CAST(m AS DATE) AS m FROM generate_series(TIMESTAMP '2023-01-01', TIMESTAMP '2024-12-01',
                 INTERVAL 1 MONTH) t(m)),
          grid AS (SELECT a.account_id, m.m, least(last_day(m.m), DATE '2024-12-31') AS as_of, CAST(m.m - INTERVAL 1 DAY AS DATE) AS prev
                   FROM (SELECT DISTINCT account_id FROM subs) a CROSS JOIN months m),
          paying AS (SELECT g.account_id, g.m,
                       count(*) FILTER (WHERE s <= as_of AND (e IS NULL OR e > as_of)) AS now_n,
                       count(*) FILTER (WHERE s <= prev AND (e IS NULL OR e > prev)) AS prev_n
                     FROM grid g JOIN subs USING (account_id) GROUP BY ALL)
          SELECT account_id || ' ' || strftime(m, '%Y-%m') FROM paying WHERE prev_n > 0 AND now_n = 0""")) {
        stopped.add((String) row.get(0));
      }
      assertEquals(stopped, ledger, "ledger churn events vs account-months that stopped paying (DuckDB over the raw CSV)");
      assertEquals(2, ledger.size(), "the ledger's churn: " + ledger);

      // (2) and (3): RavenStack's churn events, classified by what its subscriptions say around the churn date.
      List<List<Object>> events = duck.query("""
          WITH ev AS (SELECT account_id, CAST(churn_date AS DATE) AS d, is_reactivation = 'True' AS reactivation
                      FROM %s),
          bounds AS (SELECT *, CAST(last_day(d - INTERVAL 1 MONTH) AS DATE) AS prev, least(last_day(d), DATE '2024-12-31') AS as_of FROM ev)
          SELECT b.account_id || ' ' || strftime(b.d, '%%Y-%%m'), b.reactivation,
                 (SELECT count(*) FROM subs x WHERE x.account_id = b.account_id AND x.s <= b.prev AND (x.e IS NULL OR x.e > b.prev)),
                 (SELECT count(*) FROM subs x WHERE x.account_id = b.account_id AND x.s <= b.as_of AND (x.e IS NULL OR x.e > b.as_of))
          FROM bounds b""".formatted(csv("ravenstack_churn_events.csv")));
      assertEquals(600, events.size());
      Set<String> corroborated = new HashSet<>();
      int stillPaying = 0;
      int stillPayingReactivations = 0;
      int neverPaying = 0;
      int neverPayingReactivations = 0;
      for (List<Object> e : events) {
        boolean reactivation = (Boolean) e.get(1);
        long atStart = ((Number) e.get(2)).longValue();
        long atEnd = ((Number) e.get(3)).longValue();
        if (atEnd > 0) {
          stillPaying++;
          stillPayingReactivations += reactivation ? 1 : 0;
        } else if (atStart == 0) {
          neverPaying++;
          neverPayingReactivations += reactivation ? 1 : 0;
        } else {
          corroborated.add((String) e.get(0));
        }
      }
      System.out.printf("RavenStack churn events: 600; corroborated by its subscriptions %d (all in the ledger); "
          + "account still paying at the month's end %d (%d is_reactivation); paying at neither end %d (%d is_reactivation); "
          + "ledger churn events %d, of which with a RavenStack event that month %d%n", corroborated.size(), stillPaying,
          stillPayingReactivations, neverPaying, neverPayingReactivations, ledger.size(),
          ledger.stream().filter(k -> events.stream().anyMatch(e -> e.get(0).equals(k))).count());
      assertTrue(ledger.containsAll(corroborated), "corroborated RavenStack churn missing from the ledger: " + corroborated);
      assertEquals(1, corroborated.size());
      assertEquals(559, stillPaying);
      assertEquals(59, stillPayingReactivations);
      assertEquals(40, neverPaying);
      assertEquals(2, neverPayingReactivations);
    }
  }

  @Test
  void churnMetricsCountTheLedgersChurnAndRavenStackHasNoRefundsToAdd() {
    Row totals = DeltaIO.read(spark(), lake, MartTables.CHURN_METRICS)
        .selectExpr("sum(churned_accounts)", "sum(refunded_amount)").first();
    assertEquals(2L, totals.getLong(0));
    assertEquals(0, totals.getDecimal(1).signum(), "no invoices in RavenStack, so no refunds");
  }
}
