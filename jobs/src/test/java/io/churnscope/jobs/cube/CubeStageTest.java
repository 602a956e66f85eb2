package io.churnscope.jobs.cube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.jobs.catalog.CatalogStage;
import io.churnscope.jobs.subscriptions.ChurnMetricsStage;
import io.churnscope.jobs.subscriptions.MrrLedgerStage;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.schema.CubeTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.DeltaSnapshotFiles;
import io.churnscope.common.testing.SparkTestBase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.TreeSet;
import static org.apache.spark.sql.functions.expr;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cube stage on {@link CubeLakeFixture}'s lake, run for 2026-03-31, then 2026-04-15 (a new
 * month), then 2026-04-15 again: the facts' known answers, a new month appended without touching
 * closed months (read from the Delta log), an idempotent re-run, and the published cube read
 * without Spark — the DuckDB catalog and Delta Kernel, in a JVM of their own — with the same numbers.
 */
class CubeStageTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static Lake lake;
  static long factVersionAfterMarch;
  static long factVersionAfterApril;
  static long factVersionAfterRerun;
  static List<Row> factsAfterApril;
  static java.util.Map<String, Long> cubeVersionsAfterApril;
  static java.util.Map<String, Long> cubeVersionsAfterRerun;

  @BeforeAll
  static void runThreeNights() throws Exception {
    lake = new Lake(dir.toString());
    CubeLakeFixture.stage(spark(), lake);
    String facts = lake.path(CubeTables.FACT_ACCOUNT_MONTH);
    // The catalog is published from the second night on: the re-run must re-point it.
    CubeLakeFixture.run(spark(), lake, "2026-03-31", new MrrLedgerStage(), new ChurnMetricsStage(), new CubeStage());
    factVersionAfterMarch = DeltaSnapshotFiles.version(facts);
    CubeLakeFixture.nightly(spark(), lake, "2026-04-15");
    factVersionAfterApril = DeltaSnapshotFiles.version(facts);
    factsAfterApril = DeltaIO.read(spark(), lake, CubeTables.FACT_ACCOUNT_MONTH).collectAsList();
    cubeVersionsAfterApril = cubeVersions();
    // The re-run: the marts are as they were, so only the cube and the catalog run again.
    CubeLakeFixture.run(spark(), lake, "2026-04-15", new CubeStage(), new CatalogStage());
    factVersionAfterRerun = DeltaSnapshotFiles.version(facts);
    cubeVersionsAfterRerun = cubeVersions();
  }

  private static java.util.Map<String, Long> cubeVersions() {
    java.util.Map<String, Long> versions = new java.util.TreeMap<>();
    for (io.churnscope.common.lake.TableSpec table : CubeTables.ALL) {
      versions.put(table.name(), DeltaSnapshotFiles.version(lake.path(table)));
    }
    return versions;
  }

  @Test
  void accountMonthsCarryMrrChurnSeatsUsageTenureAndRenewals() {
    DatasetAssertions.assertSameRows(List.of(
        fact("2026-01", "acc-a", true, false, false, "none", "0", "100", 5, 0, "0", 0, false),
        fact("2026-02", "acc-a", true, true, false, "none", "100", "100", 5, 2, "0.4", 1, true),
        fact("2026-03", "acc-a", false, true, true, "price", "100", "0", 0, 1, null, 2, true),
        fact("2026-01", "acc-b", true, false, false, "none", "0", "200", 10, 0, "0", 0, false),
        fact("2026-02", "acc-b", true, true, false, "none", "200", "200", 10, 0, "0", 1, true),
        fact("2026-03", "acc-b", true, true, false, "none", "200", "300", 15, 1, "0.066667", 2, true),
        fact("2026-04", "acc-b", true, true, false, "none", "300", "300", 15, 1, "0.066667", 3, true),
        fact("2026-02", "acc-c", true, false, false, "none", "0", "50", 2, 0, "0", 0, false),
        fact("2026-03", "acc-c", true, true, false, "none", "50", "50", 2, 0, "0", 1, true),
        fact("2026-04", "acc-c", true, true, false, "none", "50", "50", 2, 0, "0", 2, true),
        // The trial: a prospect with usage, no MRR, no seats, no tenure.
        fact("2026-04", "acc-t", false, false, false, "none", "0", "0", 0, 1, null, null, false)),
        DeltaIO.read(spark(), lake, CubeTables.FACT_ACCOUNT_MONTH).selectExpr("month", "account_id", "is_customer",
            "customer_at_start", "churned", "churn_reason_key", "start_mrr", "end_mrr", "seats", "active_users",
            "license_utilization", "tenure_months", "renewal_due").collectAsList());
    assertEquals(1L, spark().read().format("delta").load(lake.path(CubeTables.FACT_ACCOUNT_MONTH))
        .where("account_id = 'acc-b' AND month = DATE'2026-03-01' AND expansion_mrr = 100").count(), "movements from the ledger");
  }

  private static Row fact(String month, String account, boolean customer, boolean atStart, boolean churned, String reason,
      String start, String end, long seats, long activeUsers, String utilization, Integer tenure, boolean renewal) {
    long reasonKey = spark().sql("SELECT xxhash64('" + reason + "')").first().getLong(0);
    return RowFactory.create(Date.valueOf(month + "-01"), account, customer, atStart, churned, reasonKey, new BigDecimal(start),
        new BigDecimal(end), seats, activeUsers, utilization == null ? null : new BigDecimal(utilization), tenure, renewal);
  }

  @Test
  void theRollupGrandTotalsCarryTheChurnMetricsOfEachMonth() {
    DatasetAssertions.assertSameRows(
        DeltaIO.read(spark(), lake, io.churnscope.common.schema.MartTables.CHURN_METRICS)
            .selectExpr("month", "customers_start", "churned_accounts", "logo_churn_rate", "churn_mrr", "revenue_churn_rate"),
        DeltaIO.read(spark(), lake, CubeTables.CUBE_ROLLUP).where("grouping_level = 0")
            .selectExpr("month", "customers_start", "churned_accounts", "logo_churn_rate", "churned_mrr AS churn_mrr", "revenue_churn_rate"));
  }

  @Test
  void everyGroupingSetOfTheRollupAddsUpToTheFacts() {
    // Per month and grouping set, the sums over the set's cells equal the month's facts.
    Dataset<Row> bySet = DeltaIO.read(spark(), lake, CubeTables.CUBE_ROLLUP).groupBy("month", "grouping_set")
        .agg(expr("sum(accounts) AS accounts"), expr("sum(churned_accounts) AS churned"), expr("CAST(sum(end_mrr) AS DECIMAL(28,4)) AS mrr"),
            expr("sum(seats) AS seats"), expr("sum(active_users) AS users"));
    Dataset<Row> facts = DeltaIO.read(spark(), lake, CubeTables.FACT_ACCOUNT_MONTH).groupBy("month")
        .agg(expr("count(*) AS f_accounts"), expr("count_if(churned) AS f_churned"), expr("CAST(sum(end_mrr) AS DECIMAL(28,4)) AS f_mrr"),
            expr("sum(seats) AS f_seats"), expr("sum(active_users) AS f_users"));
    assertEquals(0, bySet.join(facts, "month").where("accounts != f_accounts OR churned != f_churned OR mrr != f_mrr "
        + "OR seats != f_seats OR users != f_users").count());
    long sets = RollupSets.from(io.churnscope.common.config.ChurnscopeConfig.defaults()).sets().size();
    assertEquals(4 * sets, bySet.count(), "every set in each of the 4 months");
  }

  @Test
  void anOldMonthIsReportedWithTheAttributesItHadThen() {
    // Each month's fact points at the account version of that month: the CRM move shows from April only.
    DatasetAssertions.assertSameRows(List.of(
            RowFactory.create(Date.valueOf("2026-01-01"), "North America", "US", "small"),
            RowFactory.create(Date.valueOf("2026-02-01"), "North America", "US", "small"),
            RowFactory.create(Date.valueOf("2026-03-01"), "North America", "US", "small"),
            RowFactory.create(Date.valueOf("2026-04-01"), "EMEA", "DE", "large")),
        DeltaIO.read(spark(), lake, CubeTables.FACT_ACCOUNT_MONTH).where("account_id = 'acc-b'")
            .join(DeltaIO.read(spark(), lake, CubeTables.DIM_ACCOUNT).drop("account_id"), "account_key")
            .select("month", "region", "country", "size_band").collectAsList());
    // The versions tile time: contiguous, non-overlapping, one current (the April one).
    List<Row> versions = DeltaIO.read(spark(), lake, CubeTables.DIM_ACCOUNT).where("account_id = 'acc-b'")
        .orderBy("valid_from").select("valid_from", "valid_to", "is_current", "region").collectAsList();
    for (int i = 1; i < versions.size(); i++) {
      assertEquals(versions.get(i).getDate(0).toLocalDate().minusDays(1), versions.get(i - 1).getDate(1).toLocalDate(), versions.toString());
    }
    Row current = versions.get(versions.size() - 1);
    assertEquals(Date.valueOf("9999-12-31"), current.getDate(1));
    assertEquals(true, current.getBoolean(2));
    assertEquals("EMEA", current.getString(3));
    assertEquals(1, versions.stream().filter(v -> v.getBoolean(2)).count());
    // The rollup: March counts acc-b (and acc-a) in North America, April in EMEA (with acc-c).
    DatasetAssertions.assertSameRows(List.of(
            RowFactory.create(Date.valueOf("2026-03-01"), "North America", 2L),
            RowFactory.create(Date.valueOf("2026-03-01"), "EMEA", 1L),
            RowFactory.create(Date.valueOf("2026-04-01"), "EMEA", 2L),
            RowFactory.create(Date.valueOf("2026-04-01"), "North America", 1L)),
        DeltaIO.read(spark(), lake, CubeTables.CUBE_ROLLUP).where("grouping_set = 'region' AND month >= DATE'2026-03-01'")
            .select("month", "region", "accounts").collectAsList());
  }

  @Test
  void aChurnMonthIsReportedWithThePlanTheCustomerLeft() {
    // acc-a's subscription ends on March 20: its March row is described as of March 19, so the churn
    // counts against the plan it left (at March's end it has none, which read as 'unknown').
    List<Row> plans = DeltaIO.read(spark(), lake, CubeTables.FACT_ACCOUNT_MONTH).where("account_id = 'acc-a'")
        .join(DeltaIO.read(spark(), lake, CubeTables.DIM_ACCOUNT).drop("account_id"), "account_key")
        .orderBy("month").select("month", "churned", "plan").collectAsList();
    assertEquals(3, plans.size(), plans.toString());
    Row february = plans.get(1);
    Row march = plans.get(2);
    assertEquals(true, march.getBoolean(1), plans.toString());
    assertNotEquals("unknown", march.getString(2), plans.toString());
    assertEquals(february.getString(2), march.getString(2), "March's churn is reported against February's plan: " + plans);
  }

  @Test
  void aNewMonthIsAppendedWithoutRewritingClosedMonths() {
    assertEquals(factVersionAfterMarch + 1, factVersionAfterApril, "one commit for the new month");
    List<Row> actions = spark().read().json(lake.path(CubeTables.FACT_ACCOUNT_MONTH) + "/_delta_log/"
        + String.format("%020d", factVersionAfterApril) + ".json").collectAsList();
    TreeSet<String> added = new TreeSet<>();
    TreeSet<String> removed = new TreeSet<>();
    for (Row action : actions) {
      Row add = action.getAs("add");
      if (add != null) {
        added.add(add.<String>getAs("path").replaceAll("/[^/]*$", ""));
      }
      if (List.of(action.schema().fieldNames()).contains("remove") && action.getAs("remove") != null) {
        removed.add(((Row) action.getAs("remove")).getAs("path"));
      }
    }
    assertEquals(new TreeSet<>(List.of("month=2026-04-01")), added, "files added only to the new month");
    assertTrue(removed.isEmpty(), "no file of a closed month removed: " + removed);
  }

  @Test
  void reRunningADateCommitsNothingAndChangesNothing() {
    assertEquals(factVersionAfterApril, factVersionAfterRerun, "the re-run found no changed month");
    assertEquals(cubeVersionsAfterApril, cubeVersionsAfterRerun, "the re-run committed to no cube table, dimensions included");
    DatasetAssertions.assertSameRows(factsAfterApril, DeltaIO.read(spark(), lake, CubeTables.FACT_ACCOUNT_MONTH).collectAsList());
  }

  @Test
  void dimensionsHaveStableHashKeysAndAFiscalCalendar() {
    DatasetAssertions.assertSameRows(List.of(RowFactory.create("price", "avoidable"), RowFactory.create("none", "none")),
        DeltaIO.read(spark(), lake, CubeTables.DIM_CHURN_REASON).select("reason", "reason_group").collectAsList());
    Row lastDay = DeltaIO.read(spark(), lake, CubeTables.DIM_DATE).where("date = DATE'2026-03-31'").first();
    assertEquals(20260331, (int) lastDay.getAs("date_key"));
    assertEquals(true, lastDay.getAs("is_month_end"));
    assertEquals(2, (int) lastDay.getAs("day_of_week"), "a Tuesday");
    assertEquals(Date.valueOf("2026-03-30"), lastDay.getAs("week_start"));
    assertEquals(1, (int) lastDay.getAs("fiscal_quarter"), "fiscal = calendar by default");
    assertEquals(2026L, DeltaIO.read(spark(), lake, CubeTables.DIM_DATE).where("date = DATE'2026-12-31'").count() * 2026L,
        "the calendar runs to the end of the run's year");
  }

  @Test
  void duckDbAndDeltaKernelInAnotherJvmReadTheSameCubeAsSpark() throws Exception {
    List<String> expected = new java.util.ArrayList<>();
    for (String[] check : CubeReaders.CHECKS) {
      Row sums = spark().read().format("delta").load(lake.root() + "/cube/" + check[0])
          .selectExpr("count(*)", "CAST(sum(" + check[1] + ") AS DECIMAL(38,4))", "CAST(sum(CAST(" + check[2] + " AS DECIMAL(38,0))) AS DECIMAL(38,0))").first();
      for (String reader : List.of("duckdb", "kernel")) {
        expected.add(CubeReaders.line(reader, check[0], sums.getLong(0), sums.getDecimal(1), sums.getDecimal(2)));
      }
    }
    List<String> command = io.churnscope.common.testing.ChildJvm.javaForSpark("512m");
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), CubeReaders.class.getName(), lake.root(),
        Path.of(lake.root(), "_catalog", "churnscope.duckdb").toString()));
    Path out = dir.resolve("readers.out");
    Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(dir.resolve("readers.err").toFile()).start();
    assertTrue(child.waitFor(3, java.util.concurrent.TimeUnit.MINUTES), "readers finished");
    assertEquals(0, child.exitValue(), java.nio.file.Files.readString(dir.resolve("readers.err")));
    List<String> seen = java.nio.file.Files.readAllLines(out).stream().filter(l -> l.startsWith("duckdb ") || l.startsWith("kernel ")).toList();
    assertEquals(new TreeSet<>(expected), new TreeSet<>(seen));
  }

  @Test
  void afterAReRunTheSymlinkManifestsListExactlyTheLiveFiles() throws Exception {
    for (String table : List.of("fact_account_month", "fact_account_day", "cube_rollup", "dim_account")) {
      Path root = Path.of(lake.root(), "cube", table);
      TreeSet<String> listed = new TreeSet<>();
      try (java.util.stream.Stream<Path> manifests = java.nio.file.Files.walk(root.resolve("_symlink_format_manifest"))) {
        for (Path manifest : manifests.filter(p -> p.getFileName().toString().equals("manifest")).toList()) {
          for (String line : java.nio.file.Files.readAllLines(manifest)) {
            listed.add(line.startsWith("file:") ? java.net.URI.create(line).getPath() : line);
          }
        }
      }
      assertEquals(new TreeSet<>(DeltaSnapshotFiles.of(root.toString())), listed, table);
    }
  }
}
