package io.churnscope.jobs.ingest.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.DuckDbReader;
import io.churnscope.common.testing.SparkTestBase;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** RavenStack ingested end to end through conf/mappings/ravenstack.conf: nothing lost, re-runs identical. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RavenStackMappingTest extends SparkTestBase {
  static final Map<String, TableSpec> FILES = new LinkedHashMap<>();

  static {
    FILES.put("ravenstack_accounts.csv", StagedTables.CRM_ACCOUNTS);
    FILES.put("ravenstack_subscriptions.csv", StagedTables.SUBSCRIPTION_VERSIONS);
    FILES.put("ravenstack_feature_usage.csv", StagedTables.FEATURE_USAGE_DAILY);
    FILES.put("ravenstack_support_tickets.csv", StagedTables.SUPPORT_TICKETS);
    FILES.put("ravenstack_churn_events.csv", StagedTables.CHURN_EVENTS);
  }

  @TempDir
  static Path dir;

  Lake lake;
  File ravenstack;
  Map<String, List<Row>> firstRun = new LinkedHashMap<>();

  @BeforeAll
  void ingestOnce() {
    ravenstack = new File(sharedDir(), "datasets/ravenstack");
    assertTrue(ravenstack.isDirectory(), "RavenStack not found at " + ravenstack.getAbsolutePath());
    lake = new Lake(dir.toString());
    MappedIngest.run(spark(), args());
    for (TableSpec table : FILES.values()) {
      firstRun.put(table.name(), DeltaIO.read(spark(), lake, table).collectAsList());
    }
  }

  private MappedIngest.Args args() {
    MappedIngest.Args args = new MappedIngest.Args();
    args.mapping = "ravenstack";
    args.sourceDir = ravenstack.getAbsolutePath();
    args.lake = dir.toString();
    args.runDate = LocalDate.parse("2025-01-01");
    return args;
  }

  @Test
  void everyRowIsStagedOrQuarantined() throws IOException {
    for (Map.Entry<String, TableSpec> file : FILES.entrySet()) {
      long lines = Files.readAllLines(ravenstack.toPath().resolve(file.getKey())).stream()
          .filter(l -> !l.isBlank()).count() - 1;
      long staged = DeltaIO.read(spark(), lake, file.getValue()).count();
      long quarantined = DeltaIO.read(spark(), lake, RunTables.QUARANTINE)
          .where("source = 'ravenstack." + file.getValue().name() + "'").count();
      assertEquals(lines, staged + quarantined, file.getKey() + ": rows in the file vs staged + quarantined");
      assertTrue(staged > 0.9 * lines, file.getKey() + ": most rows are clean, staged " + staged + " of " + lines);
    }
  }

  @Test
  void duckDbOverTheSnapshotAgreesWithTheSourceFiles() {
    String subscriptions = ravenstack.toPath().resolve("ravenstack_subscriptions.csv").toString();
    try (DuckDbReader duck = new DuckDbReader()) {
      duck.deltaView("subs", lake.path(StagedTables.SUBSCRIPTION_VERSIONS));
      duck.deltaView("churn", lake.path(StagedTables.CHURN_EVENTS));
      // Recomputed from the raw CSV by DuckDB alone: the recurring amount per billing interval.
      assertEquals(
          duck.scalarDecimal("SELECT sum(CASE billing_frequency WHEN 'annual' THEN arr_amount ELSE mrr_amount END)::DECIMAL(18,4) "
              + "FROM read_csv_auto('" + subscriptions + "')"),
          duck.scalarDecimal("SELECT sum(amount)::DECIMAL(18,4) FROM subs"));
      assertEquals(
          duck.scalarLong("SELECT count(*) FROM read_csv_auto('" + subscriptions + "') WHERE billing_frequency = 'annual'"),
          duck.scalarLong("SELECT count(*) FROM subs WHERE billing_interval = 'year'"));
      // Every churned account keeps a reason; a blank one is counted as 'unknown' (RavenStack also says 'unknown' itself).
      assertEquals(0, duck.scalarLong("SELECT count(*) FROM churn WHERE reason IS NULL"));
      assertEquals(
          duck.scalarLong("SELECT count(*) FROM read_csv_auto('" + ravenstack.toPath().resolve("ravenstack_churn_events.csv")
              + "', all_varchar = true) WHERE coalesce(reason_code, '') IN ('', 'unknown')"),
          duck.scalarLong("SELECT count(*) FROM churn WHERE reason = 'unknown'"));
    }
  }

  @Test
  void aReRunYieldsIdenticalTablesAndDuckDbStillReadsOnlyLiveFiles() {
    MappedIngest.run(spark(), args());
    for (TableSpec table : FILES.values()) {
      DatasetAssertions.assertSameRows(firstRun.get(table.name()), DeltaIO.read(spark(), lake, table).collectAsList());
    }
    try (DuckDbReader duck = new DuckDbReader()) {
      duck.deltaView("usage", lake.path(StagedTables.FEATURE_USAGE_DAILY));
      assertEquals(firstRun.get(StagedTables.FEATURE_USAGE_DAILY.name()).size(), duck.scalarLong("SELECT count(*) FROM usage"));
    }
  }
}
