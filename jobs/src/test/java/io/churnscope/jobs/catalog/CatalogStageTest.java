package io.churnscope.jobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DeltaSnapshotFiles;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.common.testing.UsageEventRows;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog stage makes each table readable three ways — by name in Spark, through the DuckDB
 * catalog file, through symlink manifests — and every way sees exactly the live snapshot, also
 * after a table is partly rewritten.
 */
class CatalogStageTest extends SparkTestBase {
  @TempDir
  Path dir;

  @Test
  void everyWayOfReadingSeesExactlyTheLiveSnapshot() throws Exception {
    Lake lake = new Lake(dir.resolve("lake").toString());
    RunContext run = RunContext.start(LocalDate.parse("2026-10-02"), lake, ChurnscopeConfig.defaults());
    DeltaIO.replaceWhere(spark(), lake, StagedTables.USAGE_EVENTS, UsageEventRows.of(spark(),
        "2026-10-01", 7, "a1"), "event_date = '2026-10-01'");
    DeltaIO.replaceWhere(spark(), lake, StagedTables.USAGE_EVENTS, UsageEventRows.of(spark(),
        "2026-10-02", 5, "a1"), "event_date = '2026-10-02'");
    DeltaIO.createIfAbsent(spark(), lake, MartTables.CHURN_METRICS);

    StageResult first = new CatalogStage().run(spark(), run);
    assertEquals(2, first.rowsOut(), first.message());
    assertTrue(first.message().contains("not created yet: staged.user_accounts"), first.message());
    assertSeenAlike(lake, 12);

    // A night that changed nothing refreshes nothing, and every reader still sees the same snapshot.
    StageResult unchanged = new CatalogStage().run(spark(), run);
    assertTrue(unchanged.message().contains("(0 changed since the last publish)"), unchanged.message());
    assertSeenAlike(lake, 12);

    // The next night rewrites 2026-10-02 with 3 rows of another account: the old file leaves the snapshot.
    DeltaIO.replaceWhere(spark(), lake, StagedTables.USAGE_EVENTS, UsageEventRows.of(spark(),
        "2026-10-02", 3, "a2"), "event_date = '2026-10-02'");
    StageResult next = new CatalogStage().run(spark(), run);
    assertTrue(next.message().contains("(1 changed since the last publish)"), next.message());
    assertSeenAlike(lake, 10);

    // The lake is deleted and another one published under the same names: they follow it.
    deleteRecursively(Path.of(lake.root()));
    Lake other = new Lake(dir.resolve("other").toString());
    DeltaIO.replaceWhere(spark(), other, StagedTables.USAGE_EVENTS, UsageEventRows.of(spark(),
        "2026-10-05", 4, "a3"), "event_date = '2026-10-05'");
    new CatalogStage().run(spark(), RunContext.start(LocalDate.parse("2026-10-05"), other, ChurnscopeConfig.defaults()));
    assertEquals(4, spark().sql("SELECT count(*) FROM staged.usage_events WHERE account_id = 'a3'").first().getLong(0));
  }

  /** The quarantine is the operators' table: named for analysts only when catalog.publish-quarantine says so. */
  @Test
  void theQuarantineIsNamedOnlyWhenConfSaysSo() throws Exception {
    Lake lake = new Lake(dir.resolve("quarantined").toString());
    DeltaIO.createIfAbsent(spark(), lake, io.churnscope.common.schema.RunTables.QUARANTINE);
    DeltaIO.createIfAbsent(spark(), lake, MartTables.CHURN_METRICS);
    LocalDate day = LocalDate.parse("2026-10-02");
    ChurnscopeConfig published = ChurnscopeConfig.load(null, java.util.Map.of("catalog.publish-quarantine", "true"));
    new CatalogStage().run(spark(), RunContext.start(day, lake, published));
    assertEquals(List.of(true, true), named(lake), "published when asked: metastore, DuckDB");
    StageResult byDefault = new CatalogStage().run(spark(), RunContext.start(day, lake, ChurnscopeConfig.defaults()));
    assertEquals(List.of(false, false), named(lake), "by default neither names it, also after an earlier publish");
    assertTrue(byDefault.message().startsWith("1 tables published"), byDefault.message());
    assertEquals(0L, spark().read().format("delta").load(lake.path(io.churnscope.common.schema.RunTables.QUARANTINE))
        .count(), "the table itself is untouched, read by path");
  }

  /** Whether quarantine.records has a name in the Spark session's catalog and in the DuckDB catalog file. */
  private List<Boolean> named(Lake lake) throws SQLException {
    boolean spark = spark().catalog().tableExists("quarantine", "records");
    Properties readOnly = new Properties();
    readOnly.setProperty("duckdb.read_only", "true");
    Path catalog = Path.of(lake.root(), "_catalog", "churnscope.duckdb");
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + catalog, readOnly); Statement sql = db.createStatement()) {
      long views = ((Number) one(sql, "SELECT count(*) FROM duckdb_views() WHERE schema_name = 'quarantine'").get(0))
          .longValue();
      return List.of(spark, views > 0);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private void assertSeenAlike(Lake lake, long expectedRows) throws Exception {
    String table = lake.path(StagedTables.USAGE_EVENTS);
    Set<String> live = new TreeSet<>(DeltaSnapshotFiles.of(table));
    assertEquals(live, manifestFiles(Path.of(table)), "symlink manifests list exactly the live files");

    assertEquals(expectedRows, spark().sql("SELECT count(*) FROM staged.usage_events").first().getLong(0), "Spark by name");
    Properties readOnly = new Properties();
    readOnly.setProperty("duckdb.read_only", "true");
    Path catalog = Path.of(lake.root(), "_catalog", "churnscope.duckdb");
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + catalog, readOnly); Statement sql = db.createStatement()) {
      List<Object> duck = one(sql, "SELECT count(*), count(DISTINCT event_id), min(event_date), "
          + "sum(CASE WHEN account_id = 'a2' THEN 1 ELSE 0 END), any_value(properties['plan']) FROM staged.usage_events");
      long sparkA2 = spark().sql("SELECT count(*) FROM staged.usage_events WHERE account_id = 'a2'").first().getLong(0);
      assertEquals(expectedRows, ((Number) duck.get(0)).longValue(), "DuckDB catalog");
      assertEquals(expectedRows, ((Number) duck.get(1)).longValue());
      assertEquals("2026-10-01", String.valueOf(duck.get(2)), "partition column read from the path");
      assertEquals(sparkA2, ((Number) duck.get(3)).longValue(), "rows of the rewritten day");
      assertEquals("pro", duck.get(4));
      assertEquals(0L, ((Number) one(sql, "SELECT count(*) FROM marts.churn_metrics").get(0)).longValue(), "an empty table is a typed empty view");
      String comment = (String) one(sql, "SELECT comment FROM duckdb_columns() WHERE schema_name = 'staged' "
          + "AND table_name = 'usage_events' AND column_name = 'user_key'").get(0);
      assertEquals(StagedTables.USAGE_EVENTS.schema().apply("user_key").getComment().get(), comment, "column comments travel");
    }
  }

  private static List<Object> one(Statement sql, String query) throws SQLException {
    try (ResultSet rs = sql.executeQuery(query)) {
      rs.next();
      List<Object> row = new ArrayList<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        row.add(rs.getObject(i));
      }
      return row;
    }
  }

  /** The files named by every manifest under the table's _symlink_format_manifest folder. */
  private static Set<String> manifestFiles(Path table) throws IOException {
    Set<String> files = new TreeSet<>();
    try (Stream<Path> manifests = Files.walk(table.resolve("_symlink_format_manifest"))) {
      for (Path manifest : manifests.filter(p -> p.getFileName().toString().equals("manifest")).toList()) {
        for (String line : Files.readAllLines(manifest)) {
          files.add(line.startsWith("file:") ? URI.create(line).getPath() : line);
        }
      }
    }
    return files;
  }
}
