package io.churnscope.jobs.cube;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.jobs.catalog.CatalogStage;
import io.churnscope.jobs.subscriptions.ChurnMetricsStage;
import io.churnscope.jobs.subscriptions.MrrLedgerStage;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * A small staged lake for the cube, with known answers (all USD, monthly, core product):
 * <ul>
 *   <li>acc-a: 100 a month, 5 seats, from 2026-01-01; asks on Mar 2 to end Mar 20 (reason {@code price});</li>
 *   <li>acc-b: 200 a month, 10 seats, from 2026-01-01, 300 (15 seats) from 2026-03-10;</li>
 *   <li>acc-c: 50 a month, 2 seats, from 2026-02-15;</li>
 *   <li>acc-t: a trial (no MRR) in April with usage: a prospect in the facts.</li>
 * </ul>
 * Usage: acc-a's users u1, u2 active in February, u1 in March; acc-b's u3 in March and April;
 * acc-t's u9 in April.
 *
 * <p>CRM: acc-a partner / US / 20 employees; acc-c organic / DE; acc-t organic / US. acc-b is direct
 * in the US with 40 employees until the CRM moves it to Germany with 600 employees on 2026-04-02:
 * March reports it in North America and small, April in EMEA and large (the type-2 history).
 */
final class CubeLakeFixture {
  private CubeLakeFixture() {}

  static void stage(SparkSession spark, Lake lake) {
    List<Row> versions = List.of(
        version("a", 1, "acc-a", 5, "100", "active", "2026-01-01", "2026-01-01", null, null, null),
        version("a", 2, "acc-a", 5, "100", "active", "2026-03-02", "2026-01-01", "2026-03-02", "2026-03-20", "price"),
        version("a", 3, "acc-a", 5, "100", "canceled", "2026-03-20", "2026-01-01", "2026-03-02", "2026-03-20", "price"),
        version("b", 1, "acc-b", 10, "200", "active", "2026-01-01", "2026-01-01", null, null, null),
        version("b", 2, "acc-b", 15, "300", "active", "2026-03-10", "2026-01-01", null, null, null),
        version("c", 1, "acc-c", 2, "50", "active", "2026-02-15", "2026-02-15", null, null, null),
        version("t", 1, "acc-t", 3, "0", "trialing", "2026-04-01", "2026-04-01", null, null, null));
    DeltaIO.overwrite(spark, lake, StagedTables.SUBSCRIPTION_VERSIONS,
        spark.createDataFrame(versions, StagedTables.SUBSCRIPTION_VERSIONS.schema()));
    DeltaIO.overwrite(spark, lake, StagedTables.CRM_ACCOUNTS, spark.createDataFrame(List.of(
        crm("acc-a", "partner", "US", 20, "2025-12-01"),
        crm("acc-b", "direct", "US", 40, "2025-12-01"),
        crm("acc-b", "direct", "DE", 600, "2026-04-02"),
        crm("acc-c", "organic", "DE", 200, "2026-02-01"),
        crm("acc-t", "organic", "US", 5, "2026-03-30")), StagedTables.CRM_ACCOUNTS.schema()));
    List<Row> userDays = new ArrayList<>();
    userDays.add(userDay("2026-02-03", "acc-a", "u1"));
    userDays.add(userDay("2026-02-04", "acc-a", "u1"));
    userDays.add(userDay("2026-02-04", "acc-a", "u2"));
    userDays.add(userDay("2026-03-05", "acc-a", "u1"));
    userDays.add(userDay("2026-03-06", "acc-b", "u3"));
    userDays.add(userDay("2026-04-02", "acc-b", "u3"));
    userDays.add(userDay("2026-04-03", "acc-t", "u9"));
    DeltaIO.overwrite(spark, lake, EngagementTables.USER_DAY, spark.createDataFrame(userDays, EngagementTables.USER_DAY.schema()));
    DeltaIO.overwrite(spark, lake, EngagementTables.ACCOUNT_DAY, spark.createDataFrame(accountDays(userDays), EngagementTables.ACCOUNT_DAY.schema()));
  }

  /** The subscription stages the cube reads, then the cube and the catalog, for one run date. */
  static void nightly(SparkSession spark, Lake lake, String runDate) throws Exception {
    run(spark, lake, runDate, new MrrLedgerStage(), new ChurnMetricsStage(), new CubeStage(), new CatalogStage());
  }

  /** Stages in order; prints each one's wall time (the tests' cost, and the cube stage's on this lake). */
  static void run(SparkSession spark, Lake lake, String runDate, Stage... stages) throws Exception {
    RunContext run = new RunContext("test-" + runDate, LocalDate.parse(runDate), lake, ChurnscopeConfig.defaults());
    for (Stage stage : stages) {
      stage.validate(run.config());
      long started = System.nanoTime();
      String message = stage.run(spark, run).message();
      System.out.printf("%s %s: %.1f s, %s%n", runDate, stage.name(), (System.nanoTime() - started) / 1e9, message);
    }
  }

  private static Row version(String sub, int version, String account, int seats, String amount, String status,
      String effective, String start, String requested, String ended, String reason) {
    return RowFactory.create(sub, version, account, "core", "team", "month", seats, new BigDecimal(amount).divide(BigDecimal.valueOf(seats), 4, java.math.RoundingMode.HALF_UP),
        new BigDecimal(amount), "USD", status, null, null, date(start), date(effective), date(requested), date(ended), reason,
        Timestamp.valueOf(effective + " 08:00:00"), date(effective), "fixture");
  }

  static Row crm(String account, String channel, String country, int employees, String modified) {
    return RowFactory.create(account, null, date("2025-12-01"), channel, null, country, null, "software", employees, null, null,
        null, Timestamp.valueOf(modified + " 09:00:00"), date(modified), "fixture");
  }

  private static Row userDay(String day, String account, String user) {
    return RowFactory.create(date(day), account, user, true, 3L, 3L, Map.of(),
        List.of("reports"), 1, 600L,
        Timestamp.valueOf(day + " 09:00:00"), Timestamp.valueOf(day + " 09:10:00"));
  }

  private static List<Row> accountDays(List<Row> userDays) {
    Map<String, List<Row>> byAccountDay = new java.util.TreeMap<>();
    for (Row u : userDays) {
      byAccountDay.computeIfAbsent(u.getDate(0) + "|" + u.getString(1), k -> new ArrayList<>()).add(u);
    }
    List<Row> rows = new ArrayList<>();
    byAccountDay.forEach((key, users) -> rows.add(RowFactory.create(users.get(0).getDate(0), users.get(0).getString(1), true,
        (long) users.size(), (long) users.size(), 3L * users.size(), 3L * users.size(), Map.of(),
        List.of("reports"), (long) users.size(), 600L * users.size(), 0L, null)));
    return rows;
  }

  private static Date date(String day) {
    return day == null ? null : Date.valueOf(day);
  }
}
