package io.churnscope.jobs.upkeep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.MaintainSettings;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.DeltaSnapshotFiles;
import io.churnscope.common.testing.DuckDbReader;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.common.testing.UsageEventRows;
import io.churnscope.jobs.catalog.CatalogStage;
import io.churnscope.jobs.catalog.PublishedTables;
import io.churnscope.jobs.catalog.PublishedVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maintain} on a small lake after several overwriting nights: it deletes exactly the files
 * no live snapshot and no published reader names, compacts the table whose appends left small files,
 * and every table reads the same rows before and after — through Spark, through DuckDB over the
 * files Delta Kernel resolves, and through the published DuckDB catalog.
 */
class MaintainTest extends SparkTestBase {
  private static final List<TableSpec> TABLES = List.of(StagedTables.FX_RATES, StagedTables.USAGE_EVENTS, RunTables.QUARANTINE);

  @TempDir
  Path dir;

  /** Retention 0 (on purpose: the test's nights are seconds apart), compaction from 4 small files. */
  private static MaintainSettings shortRetention() {
    return MaintainSettings.from(ChurnscopeConfig.load(null, Map.of("maintain.vacuum.retention-hours", "0",
        "maintain.vacuum.below-delta-minimum", "true", "maintain.optimize.min-files", "4")));
  }

  /**
   * Two nights, the second published; then the next night starts and rewrites the FX rates, so the catalog
   * reads FX files that are out of the table. Maintain (retention 0) deletes what nobody reads — the
   * first night's usage day — compacts the quarantine's small appends, and keeps the files the
   * catalog reads: the FX table's retention is raised to the age of their removal rounded up to the
   * hour (VACUUM's unit), 1 hour here, which also keeps the first night's FX files removed minutes
   * earlier. Once the catalog is published again, the next maintain leaves only the live files.
   */
  @Test
  void maintainDeletesWhatNobodyReadsKeepsWhatTheCatalogReadsAndEveryReaderSeesTheSameRows() throws Exception {
    Lake lake = new Lake(dir.resolve("lake").toString());
    String fxTable = lake.path(StagedTables.FX_RATES);
    night(lake, 1);
    Set<String> fxNight1 = new TreeSet<>(DeltaSnapshotFiles.of(fxTable));
    night(lake, 2);
    publish(lake);
    DeltaIO.overwrite(spark(), lake, StagedTables.FX_RATES, fx(3));
    Map<String, List<Row>> spark = new HashMap<>();
    Map<String, List<String>> kernel = new HashMap<>();
    Map<String, List<String>> catalog = new HashMap<>();
    read(lake, spark, kernel, catalog);
    assertTrue(catalog.get("staged.fx_rates").get(0).contains("1.2"), "the catalog reads night 2's rates: " + catalog);
    Set<String> onDiskBefore = dataFiles(lake);
    long quarantineFiles = DeltaSnapshotFiles.of(lake.path(RunTables.QUARANTINE)).size();

    PublishedVersions published = PublishedVersions.load(lake, spark().sparkContext().hadoopConfiguration());
    long now = System.currentTimeMillis();
    Set<String> fxPublished = catalogFiles(lake, StagedTables.FX_RATES);
    assertEquals(new PinnedFiles.Requirement(fxPublished.size(), fxPublished.size(), 1, null),
        PinnedFiles.of(fxTable, "staged.fx_rates", published, spark().sparkContext().hadoopConfiguration(), now),
        "the catalog's FX files (the manifest names the same), all removed by night 3's rewrite");
    assertEquals(4, PinnedFiles.of(fxTable, "staged.fx_rates", published, spark().sparkContext().hadoopConfiguration(),
        now + 3 * 3_600_000).hours(), "3 hours later: 3 h and a few seconds, rounded up");

    LakeUpkeep.Report report = LakeUpkeep.run(spark(), lake, PublishedTables.all(), shortRetention());

    Set<String> kept = new TreeSet<>(fxNight1);
    for (TableSpec table : TABLES) {
      kept.addAll(DeltaSnapshotFiles.of(lake.path(table)));
      kept.addAll(catalogFiles(lake, table));
    }
    assertEquals(kept, dataFiles(lake), "on disk: live files, the files the catalog reads, FX files removed within the hour");
    TreeSet<String> deleted = new TreeSet<>(onDiskBefore);
    deleted.removeAll(kept);
    assertEquals(1, deleted.size(), "night 1's usage day 2: " + deleted);
    assertEquals(1, report.filesRemoved(), report.lines().toString());
    assertEquals(TABLES.size(), report.tables().size(), report.lines().toString());
    assertEquals(TABLES.size() + 1, report.lines().size(), "a line per table and a total: " + report.lines());

    TableUpkeep.Outcome fx = outcome(report, StagedTables.FX_RATES);
    assertEquals(1, fx.retentionHours(), fx.line());
    assertEquals("retention raised to keep " + fxPublished.size() + " removed files the published catalog still reads", fx.note());
    TableUpkeep.Outcome quarantine = outcome(report, RunTables.QUARANTINE);
    assertEquals(quarantineFiles, quarantine.compactedFrom(), quarantine.line());
    assertEquals(1, quarantine.compactedTo(), quarantine.line());
    assertTrue(quarantine.note().startsWith("retention raised"), "the catalog still reads the compacted files: " + quarantine.line());
    assertEquals(0, outcome(report, StagedTables.FX_RATES).compactedFrom(), "two files are not worth compacting");
    TableUpkeep.Outcome usage = outcome(report, StagedTables.USAGE_EVENTS);
    assertEquals(0, usage.retentionHours(), usage.line());

    assertReadAlike(lake, spark, kernel, catalog);

    // Published again, the catalog reads the live files: the next maintain leaves nothing else.
    publish(lake);
    LakeUpkeep.Report next = LakeUpkeep.run(spark(), lake, TABLES, shortRetention());
    Set<String> live = new TreeSet<>();
    for (TableSpec table : TABLES) {
      live.addAll(DeltaSnapshotFiles.of(lake.path(table)));
    }
    assertEquals(live, dataFiles(lake), next.lines().toString());
    assertEquals(kept.size() - live.size(), next.filesRemoved(), next.lines().toString());
    // And when every file on disk is live, there is nothing to vacuum.
    LakeUpkeep.Report idle = LakeUpkeep.run(spark(), lake, TABLES, shortRetention());
    assertEquals(0, idle.filesRemoved(), idle.lines().toString());
    assertTrue(idle.tables().stream().allMatch(t -> t.retentionHours() == TableUpkeep.NOTHING_TO_VACUUM), idle.lines().toString());
    Map<String, List<String>> catalogNow = new HashMap<>();
    read(lake, new HashMap<>(), new HashMap<>(), catalogNow);
    assertEquals(kernel.get("staged.fx_rates"), catalogNow.get("staged.fx_rates"), "the new catalog reads night 3's rates");
  }

  /**
   * OPTIMIZE rewrites only the partition whose small files reach {@code min-files} (4 here): day 2,
   * appended four times. Day 1 (one file) and day 3 (two files, which a whole-table OPTIMIZE would
   * have merged) keep their files, and the table reads the same rows.
   */
  @Test
  void optimizeRewritesOnlyThePartitionWithSmallFiles() {
    Lake lake = new Lake(dir.resolve("lake").toString());
    String path = lake.path(StagedTables.USAGE_EVENTS);
    DeltaIO.append(spark(), lake, StagedTables.USAGE_EVENTS, UsageEventRows.of(spark(), "2026-10-01", 4, "a1").coalesce(1));
    for (int append = 0; append < 4; append++) {
      DeltaIO.append(spark(), lake, StagedTables.USAGE_EVENTS, UsageEventRows.of(spark(), "2026-10-02", 2, "b" + append).coalesce(1));
    }
    DeltaIO.append(spark(), lake, StagedTables.USAGE_EVENTS, UsageEventRows.of(spark(), "2026-10-03", 6, "c1").repartition(2));
    Map<String, Set<String>> before = filesByDay(path);
    assertEquals(List.of(1, 4, 2), before.values().stream().map(Set::size).toList(), before.toString());
    List<Row> rows = DeltaIO.read(spark(), lake, StagedTables.USAGE_EVENTS).collectAsList();

    LakeUpkeep.Report report = LakeUpkeep.run(spark(), lake, List.of(StagedTables.USAGE_EVENTS), MaintainSettings.from(
        ChurnscopeConfig.load(null, Map.of("maintain.optimize.min-files", "4"))));

    Map<String, Set<String>> after = filesByDay(path);
    assertEquals(before.get("2026-10-01"), after.get("2026-10-01"), "day 1, one file: untouched");
    assertEquals(before.get("2026-10-03"), after.get("2026-10-03"), "day 3, two files: untouched");
    assertEquals(1, after.get("2026-10-02").size(), after.toString());
    assertFalse(before.get("2026-10-02").containsAll(after.get("2026-10-02")), "day 2 rewritten: " + after);
    TableUpkeep.Outcome usage = outcome(report, StagedTables.USAGE_EVENTS);
    assertEquals(List.of(4L, 1L, 1L), List.of(usage.compactedFrom(), usage.compactedTo(), usage.partitionsCompacted()), usage.line());
    assertEquals(0, report.filesRemoved(), "retention 168 h: VACUUM keeps the replaced files: " + usage.line());
    DatasetAssertions.assertSameRows(rows, DeltaIO.read(spark(), lake, StagedTables.USAGE_EVENTS).collectAsList());
  }

  /** The live files of a table partitioned by event_date, per day (by the folder Delta wrote them in). */
  private static Map<String, Set<String>> filesByDay(String tablePath) {
    Map<String, Set<String>> files = new java.util.TreeMap<>();
    for (String file : DeltaSnapshotFiles.of(tablePath)) {
      String day = file.substring(file.indexOf("event_date=") + "event_date=".length(), file.indexOf("event_date=") + 21);
      files.computeIfAbsent(day, d -> new TreeSet<>()).add(file);
    }
    return files;
  }

  @Test
  void aBadRetentionIsOneLineNamingTheKey() {
    Map<String, String> bad = Map.of("-1", "must be 0 or more", "\"a week\"", "must be a whole number",
        "24", "is below Delta's safety minimum of 168 hours");
    bad.forEach((value, says) -> {
      MaintainJob.Args args = new MaintainJob.Args();
      args.lake = dir.toString();
      args.overrides.put("maintain.vacuum.retention-hours", value);
      UserError error = assertThrows(UserError.class, args::validate, value);
      assertTrue(error.getMessage().startsWith("maintain.vacuum.retention-hours"), error.getMessage());
      assertTrue(error.getMessage().contains(says), error.getMessage());
      assertFalse(error.getMessage().contains("\n"), error.getMessage());
    });
    MaintainJob.Args unknown = new MaintainJob.Args();
    unknown.lake = dir.toString();
    unknown.tables = List.of("marts.nope");
    assertTrue(assertThrows(UserError.class, unknown::validate).getMessage().startsWith("--tables: unknown table 'marts.nope'"));
  }

  /**
   * The stage is off unless conf turns it on; in the DAG it comes after every stage that writes a
   * table and just before the catalog publishes them, reading every table and writing none.
   */
  @Test
  void theNightlyStageIsOffByDefaultAndRunsJustBeforeTheCatalog() {
    RunContext run = RunContext.start(LocalDate.parse("2026-10-03"), new Lake(dir.toString()), ChurnscopeConfig.defaults());
    assertTrue(new MaintainStage().run(spark(), run).message().startsWith("off (maintain.nightly = false"));
    List<String> dag = io.churnscope.jobs.nightly.NightlyJob.dag().stream().map(io.churnscope.common.run.Stage::name).toList();
    assertEquals(dag.indexOf("publish-catalog") - 1, dag.indexOf("maintain-lake"), dag.toString());
    for (io.churnscope.common.run.Stage stage : io.churnscope.jobs.nightly.NightlyJob.dag().subList(dag.indexOf("maintain-lake"), dag.size())) {
      assertEquals(List.of(), stage.dataFlow().writes(), stage.name() + " comes after maintain-lake and writes no table");
    }
    assertEquals(PublishedTables.all(), new MaintainStage().dataFlow().reads());
  }

  // --- the lake -----------------------------------------------------------------------------

  /** A night: FX rates overwritten, usage day 2 rewritten, quarantine appended (two small files). */
  private void night(Lake lake, int night) {
    DeltaIO.overwrite(spark(), lake, StagedTables.FX_RATES, fx(night));
    if (night == 1) {
      DeltaIO.replaceWhere(spark(), lake, StagedTables.USAGE_EVENTS, UsageEventRows.of(spark(), "2026-10-01", 4, "a0"),
          "event_date = '2026-10-01'");
    }
    DeltaIO.replaceWhere(spark(), lake, StagedTables.USAGE_EVENTS, UsageEventRows.of(spark(), "2026-10-02", 3 + night, "a" + night),
        "event_date = '2026-10-02'");
    DeltaIO.append(spark(), lake, RunTables.QUARANTINE, spark().range(0, 4, 1, 2).selectExpr("'invoices' AS source",
        "date'2026-10-0" + night + "' AS ingest_date", "'raw/invoices/part-0.csv' AS source_file",
        "id + 2 AS source_line", "0L AS source_split_byte", "concat('line ', id) AS record", "'malformed_csv' AS reason", "CAST(NULL AS STRING) AS detail",
        "'night-" + night + "' AS run_id"));
  }

  private Dataset<Row> fx(int night) {
    return spark().range(3).selectExpr("date'2026-10-01' + CAST(id AS INT) AS rate_date", "'EUR' AS currency",
        "CAST(1." + night + " + id / 100 AS DECIMAL(18,8)) AS rate_to_usd", "date'2026-10-03' AS ingest_date",
        "'raw/fx_rates/night-" + night + ".csv' AS source_file");
  }

  /** The catalog with the quarantine named too (catalog.publish-quarantine): its small appends are what OPTIMIZE compacts. */
  private void publish(Lake lake) {
    new CatalogStage().run(spark(), RunContext.start(LocalDate.parse("2026-10-03"), lake,
        ChurnscopeConfig.load(null, Map.of("catalog.publish-quarantine", "true"))));
  }

  // --- reading it three ways ----------------------------------------------------------------

  private void read(Lake lake, Map<String, List<Row>> spark, Map<String, List<String>> kernel,
      Map<String, List<String>> catalog) throws SQLException {
    try (DuckDbReader duck = new DuckDbReader()) {
      for (TableSpec table : TABLES) {
        spark.put(table.qualifiedName(), DeltaIO.read(spark(), lake, table).collectAsList());
        duck.deltaView("t", lake.path(table));
        kernel.put(table.qualifiedName(), sorted(duck.query("SELECT * FROM t")));
        catalog.put(table.qualifiedName(), catalogRows(lake, "SELECT * FROM " + table.qualifiedName()));
      }
    }
  }

  private void assertReadAlike(Lake lake, Map<String, List<Row>> spark, Map<String, List<String>> kernel,
      Map<String, List<String>> catalog) throws SQLException {
    Map<String, List<Row>> sparkNow = new HashMap<>();
    Map<String, List<String>> kernelNow = new HashMap<>();
    Map<String, List<String>> catalogNow = new HashMap<>();
    read(lake, sparkNow, kernelNow, catalogNow);
    for (TableSpec table : TABLES) {
      DatasetAssertions.assertSameRows(spark.get(table.qualifiedName()), sparkNow.get(table.qualifiedName()));
      assertEquals(kernel.get(table.qualifiedName()), kernelNow.get(table.qualifiedName()), "DuckDB over Kernel's files: " + table);
      assertEquals(catalog.get(table.qualifiedName()), catalogNow.get(table.qualifiedName()), "the DuckDB catalog: " + table);
      assertFalse(catalogNow.get(table.qualifiedName()).isEmpty(), table.qualifiedName());
    }
  }

  private static List<String> catalogRows(Lake lake, String query) throws SQLException {
    Properties readOnly = new Properties();
    readOnly.setProperty("duckdb.read_only", "true");
    Path file = Path.of(lake.root(), "_catalog", "churnscope.duckdb");
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + file, readOnly); Statement sql = db.createStatement();
        ResultSet rs = sql.executeQuery(query)) {
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return sorted(rows);
    }
  }

  private static List<String> sorted(List<List<Object>> rows) {
    return rows.stream().map(String::valueOf).sorted().toList();
  }

  // --- files ----------------------------------------------------------------------------------

  /** Every Parquet data file under the lake's table folders (not logs, manifests or the catalog). */
  private static Set<String> dataFiles(Lake lake) throws Exception {
    try (Stream<Path> files = Files.walk(Path.of(lake.root()))) {
      return new TreeSet<>(files.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .filter(p -> !p.toString().contains("/_")).map(Path::toString).toList());
    }
  }

  /** The files the published DuckDB catalog's view of the table reads (its record beside the catalog). */
  private Set<String> catalogFiles(Lake lake, TableSpec table) {
    PublishedVersions published = PublishedVersions.load(lake, spark().sparkContext().hadoopConfiguration());
    Set<String> files = new TreeSet<>();
    published.published(table.qualifiedName()).ifPresent(p -> p.files().forEach(f ->
        files.add(f.startsWith("file:") ? java.net.URI.create(f).getPath() : f)));
    return files;
  }

  private static TableUpkeep.Outcome outcome(LakeUpkeep.Report report, TableSpec table) {
    return report.tables().stream().filter(t -> t.table().equals(table)).findFirst().orElseThrow();
  }
}
