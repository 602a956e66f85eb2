package io.churnscope.jobs.cube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.CubeTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.jobs.subscriptions.ChurnMetricsStage;
import io.churnscope.jobs.subscriptions.MrrLedgerStage;
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
 * The cube evaluates account attributes only for the open months ({@code cube.reopened-months} = 1:
 * the run's month and the one before); a closed month keeps the attributes its published
 * {@code cube.dim_account} version holds. On {@link CubeLakeFixture}'s lake: night 2026-03-31, then a
 * late CRM correction dated in January (acc-a came from {@code events}, not {@code partner}), then
 * night 2026-04-15 — January and February are closed by then, so only March and April see the
 * correction. A copy of that lake without its cube (the same inputs, the correction included) runs
 * 2026-04-15 as its first night: everything evaluated, the from-scratch answer. Last, the first lake re-runs 2026-04-15
 * with {@code cube.reopened-months = 2}: February is evaluated again and takes the correction.
 */
class CubeIncrementalAttributesTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static Lake incremental;
  static Lake scratch;
  static String firstNight;
  static String secondNight;
  static String scratchNight;
  static String reopenedNight;
  static List<Row> incrementalFacts;
  static List<Row> incrementalAccounts;
  static List<Row> incrementalDescribed;
  static List<Row> incrementalRollup;
  static List<Row> channelsAfterSecondNight;
  static List<Row> channelsAfterReopening;

  @BeforeAll
  static void runNights() throws Exception {
    incremental = new Lake(dir.resolve("incremental").toString());
    CubeLakeFixture.stage(spark(), incremental);
    CubeLakeFixture.run(spark(), incremental, "2026-03-31", new MrrLedgerStage(), new ChurnMetricsStage());
    firstNight = cube(incremental, "2026-03-31", ChurnscopeConfig.defaults());
    correctAccountAChannel(incremental);
    CubeLakeFixture.run(spark(), incremental, "2026-04-15", new MrrLedgerStage(), new ChurnMetricsStage());
    secondNight = cube(incremental, "2026-04-15", ChurnscopeConfig.defaults());
    incrementalFacts = DeltaIO.read(spark(), incremental, CubeTables.FACT_ACCOUNT_MONTH).collectAsList();
    incrementalAccounts = DeltaIO.read(spark(), incremental, CubeTables.DIM_ACCOUNT).collectAsList();
    incrementalDescribed = described(incremental).collectAsList();
    incrementalRollup = DeltaIO.read(spark(), incremental, CubeTables.CUBE_ROLLUP).collectAsList();
    channelsAfterSecondNight = channels(incremental);

    // The same staged tables and marts (the correction included), without a cube: copied, not recomputed.
    scratch = new Lake(dir.resolve("scratch").toString());
    copyWithoutCube(Path.of(incremental.root()), Path.of(scratch.root()));
    scratchNight = cube(scratch, "2026-04-15", ChurnscopeConfig.defaults());

    reopenedNight = cube(incremental, "2026-04-15", ChurnscopeConfig.load(null, Map.of("cube.reopened-months", "2")));
    channelsAfterReopening = channels(incremental);
  }

  private static String cube(Lake lake, String runDate, ChurnscopeConfig config) {
    String message = new CubeStage().run(spark(), new RunContext("test-" + runDate, LocalDate.parse(runDate), lake, config)).message();
    System.out.println(runDate + " cube: " + message);
    return message;
  }

  private static void copyWithoutCube(Path from, Path to) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(from)) {
      for (Path file : files.toList()) {
        Path relative = from.relativize(file);
        if (relative.getNameCount() > 0 && List.of("cube", "_catalog").contains(relative.getName(0).toString())) {
          continue;
        }
        java.nio.file.Files.copy(file, to.resolve(relative.toString()));
      }
    }
  }

  /** A CRM change dated 2026-01-20 that arrives after the first night: acc-a's channel becomes 'events'. */
  private static void correctAccountAChannel(Lake lake) {
    DeltaIO.append(spark(), lake, StagedTables.CRM_ACCOUNTS, spark().createDataFrame(
        List.of(CubeLakeFixture.crm("acc-a", "events", "US", 20, "2026-01-20")), StagedTables.CRM_ACCOUNTS.schema()));
  }

  /** Each fact row with its dim_account version's attributes instead of the version's key. */
  private static Dataset<Row> described(Lake lake) {
    return DeltaIO.read(spark(), lake, CubeTables.FACT_ACCOUNT_MONTH)
        .join(DeltaIO.read(spark(), lake, CubeTables.DIM_ACCOUNT).drop("account_id", "valid_from", "valid_to",
            "is_current", "version_number"), "account_key")
        .drop("account_key");
  }

  private static List<Row> channels(Lake lake) {
    return described(lake).where("account_id = 'acc-a'").select("month", "acquisition_channel").collectAsList();
  }

  private static Row channel(String month, String channel) {
    return RowFactory.create(Date.valueOf(month + "-01"), channel);
  }

  @Test
  void asOfIsEvaluatedForTheOpenMonthsOnlyOnceTheCubeIsPublished() {
    // First night, nothing published: all 8 account-months (January to March).
    assertTrue(firstNight.contains("attributes evaluated for 8 account-months (2026-01 .. 2026-03), 0 taken from cube.dim_account"),
        firstNight);
    // Second night: March (re-opened) and April evaluated; January's 2 and February's 3 from dim_account.
    assertTrue(secondNight.contains("attributes evaluated for 6 account-months (2026-03 .. 2026-04), 5 taken from cube.dim_account"),
        secondNight);
    assertTrue(scratchNight.contains("attributes evaluated for 11 account-months (2026-01 .. 2026-04), 0 taken from cube.dim_account"),
        scratchNight);
    assertTrue(reopenedNight.contains("attributes evaluated for 9 account-months (2026-02 .. 2026-04), 2 taken from cube.dim_account"),
        reopenedNight);
  }

  @Test
  void aClosedMonthKeepsItsPublishedAttributesThoughAsOfNowSeesACorrection() {
    // From scratch, asOf sees the correction in every month of acc-a ...
    DatasetAssertions.assertSameRows(List.of(channel("2026-01", "events"), channel("2026-02", "events"),
        channel("2026-03", "events")), channels(scratch));
    // ... incrementally, only the open month does: January and February are reported as published.
    DatasetAssertions.assertSameRows(List.of(channel("2026-01", "partner"), channel("2026-02", "partner"),
        channel("2026-03", "events")), channelsAfterSecondNight);
  }

  @Test
  void reopeningTwoMonthsEvaluatesFebruaryAgain() {
    DatasetAssertions.assertSameRows(List.of(channel("2026-01", "partner"), channel("2026-02", "events"),
        channel("2026-03", "events")), channelsAfterReopening);
  }

  @Test
  void theOpenMonthsEqualAFromScratchRun() {
    // acc-a's March version starts in March incrementally, in January from scratch: compare the
    // attributes, not the version key.
    DatasetAssertions.assertSameRows(described(scratch).where("month >= DATE'2026-03-01'").collectAsList(),
        incrementalDescribed.stream().filter(r -> !r.<Date>getAs("month").before(Date.valueOf("2026-03-01"))).toList());
    DatasetAssertions.assertSameRows(
        DeltaIO.read(spark(), scratch, CubeTables.CUBE_ROLLUP).where("month >= DATE'2026-03-01'").collectAsList(),
        incrementalRollup.stream().filter(r -> !r.<Date>getAs("month").before(Date.valueOf("2026-03-01"))).toList());
  }

  @Test
  void accountsTheCorrectionDoesNotTouchAreIdenticalToAFromScratchRunInEveryMonth() {
    // Closed months taken from dim_account give back exactly what evaluating them gives: keys, versions, facts.
    List<Row> scratchFacts = DeltaIO.read(spark(), scratch, CubeTables.FACT_ACCOUNT_MONTH).where("account_id != 'acc-a'").collectAsList();
    assertEquals(8, scratchFacts.size(), "acc-b, acc-c, acc-t account-months");
    DatasetAssertions.assertSameRows(scratchFacts,
        incrementalFacts.stream().filter(r -> !"acc-a".equals(r.getAs("account_id"))).toList());
    DatasetAssertions.assertSameRows(
        DeltaIO.read(spark(), scratch, CubeTables.DIM_ACCOUNT).where("account_id != 'acc-a'").collectAsList(),
        incrementalAccounts.stream().filter(r -> !"acc-a".equals(r.getAs("account_id"))).toList());
  }

  @Test
  void theReOpenedMonthsAreAConfigurationKeyOfZeroOrMore() {
    assertEquals(1, CubeStage.reopenedMonths(ChurnscopeConfig.defaults()));
    assertEquals(LocalDate.parse("2026-03-01"), CubeStage.firstOpenMonth(LocalDate.parse("2026-04-15"), 1));
    assertEquals(LocalDate.parse("2026-04-01"), CubeStage.firstOpenMonth(LocalDate.parse("2026-04-30"), 0));
    assertEquals(LocalDate.parse("2025-11-01"), CubeStage.firstOpenMonth(LocalDate.parse("2026-01-31"), 2));
    assertThrows(UserError.class, () -> CubeStage.reopenedMonths(ChurnscopeConfig.load(null, Map.of("cube.reopened-months", "-1"))));
  }
}
