package io.churnscope.jobs.health;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.Dag;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.RunManifest;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageRunner;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.HealthTables;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.generator.SampleLakeGenerator;
import io.churnscope.jobs.nightly.NightlyJob;
import io.churnscope.jobs.subscriptions.LicensedSeats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The back-fill on a small generated lake (scale 0.05, 12 months of billing and CRM, 60 days of usage):
 * the first nightly writes {@code marts.health_measures} for every month-end of the history and the run
 * date, and {@code marts.health_scores} for each of them. A back-filled snapshot of a past date D equals
 * the one a nightly on a lake holding only the raw deliveries up to D writes, row for row, for two dates
 * (one before the usage history, one inside it, where usage events of its last days were delivered late), and on that truncated lake also what the stored
 * {@code marts.account_status} and {@code marts.account_engagement} partitions of D say. (The
 * back-fill of a 24-month lake at scale 0.1 was measured by hand, see docs/health.md: in one test JVM
 * after the ingestion of 1 M usage events, it ran out of the 6 GB heap.)
 */
class HealthBackfillGeneratedLakeTest extends SparkTestBase {
  static final LocalDate END = LocalDate.parse("2026-10-31");
  /** Before the usage history (no usage at all on the truncated lake). */
  static final LocalDate D1 = LocalDate.parse("2026-03-31");
  /** Inside it: the MAU window of D2 is covered, late events delivered after D2 exist. */
  static final LocalDate D2 = LocalDate.parse("2026-09-30");
  static final List<String> USAGE = List.of("usage_frequency", "license_utilization", "feature_breadth", "usage_trend_7d",
      "usage_trend_28d", "concentration");

  @TempDir
  static Path dir;
  static Lake lake;
  static List<RunManifest.Entry> nightly;

  @BeforeAll
  static void generateAndRunTheNightlyOnce() throws Exception {
    lake = new Lake(dir.resolve("lake").toString());
    SampleLakeGenerator.Args generate = new SampleLakeGenerator.Args();
    JCommander.newBuilder().addObject(generate).build().parse("--lake", lake.root(), "--scale", "0.05",
        "--history-months", "12", "--usage-days", "60", "--end-date", END.toString());
    SampleLakeGenerator.run(spark(), generate);
    nightly = StageRunner.runAll(spark(), RunContext.start(END, lake, ChurnscopeConfig.defaults()),
        Dag.withUpstream(NightlyJob.dag(), List.of("health-scores")));
    nightly.forEach(e -> System.out.println("full lake, " + e.stage() + ": " + e.durationMs() + " ms; "
        + e.result().message()));
  }

  static Dataset<Row> partition(Lake on, io.churnscope.common.lake.TableSpec table, LocalDate date) {
    return DeltaIO.read(spark(), on, table).where(col("snapshot_date").equalTo(lit(Date.valueOf(date))));
  }

  static List<LocalDate> dates(Lake on, io.churnscope.common.lake.TableSpec table) {
    return DeltaIO.read(spark(), on, table).select("snapshot_date").distinct().orderBy("snapshot_date").collectAsList()
        .stream().map(r -> r.getDate(0).toLocalDate()).toList();
  }

  @Test
  void theFirstRunBackFillsEveryMonthEndFromTheFirstCustomerMonthAndTheRunDate() {
    List<LocalDate> written = dates(lake, HealthTables.HEALTH_MEASURES);
    LocalDate firstCustomer = DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER_ACCOUNT).where("end_mrr > 0")
        .agg(org.apache.spark.sql.functions.min("month")).first().getDate(0).toLocalDate();
    LocalDate firstDelivery = DeltaIO.read(spark(), lake, StagedTables.SUBSCRIPTION_VERSIONS)
        .agg(org.apache.spark.sql.functions.min("ingest_date")).first().getDate(0).toLocalDate().withDayOfMonth(1);
    // Customers from before the history arrive with the first billing delivery: the history starts there.
    LocalDate firstMonth = firstCustomer.isAfter(firstDelivery) ? firstCustomer : firstDelivery;
    List<LocalDate> expected = new ArrayList<>();
    for (LocalDate m = firstMonth; !m.isAfter(END); m = m.plusMonths(1)) {
      expected.add(m.withDayOfMonth(m.lengthOfMonth()));
    }
    assertEquals(expected, written);
    assertTrue(written.size() >= 12, "12 months of history: " + written.size() + " snapshots");
    assertEquals(HealthTables.MEASURE_COLUMNS, HealthMeasure.pointInTimeIds(), "the table's measure columns are the measures");
    long duplicates = DeltaIO.read(spark(), lake, HealthTables.HEALTH_MEASURES).groupBy("snapshot_date", "account_id")
        .count().where("count > 1").count();
    assertEquals(0, duplicates, "one row per account and snapshot date");
  }

  @Test
  void healthScoresScoreEveryBackFilledDateEachAgainstThePreviousOne() {
    List<LocalDate> measured = dates(lake, HealthTables.HEALTH_MEASURES);
    assertEquals(measured, dates(lake, HealthTables.HEALTH_SCORES));
    Dataset<Row> scores = DeltaIO.read(spark(), lake, HealthTables.HEALTH_SCORES).cache();
    assertEquals(DeltaIO.read(spark(), lake, HealthTables.HEALTH_MEASURES).count(), scores.count(),
        "a score row per measures row");
    Map<LocalDate, LocalDate> before = new java.util.HashMap<>();
    for (int i = 1; i < measured.size(); i++) {
      before.put(measured.get(i), measured.get(i - 1));
    }
    long compared = 0;
    for (Row r : scores.collectAsList()) {
      String what = r.getAs("account_id") + " on " + r.getAs("snapshot_date");
      Double score = r.getAs("score");
      if (score != null) {
        double sum = r.<Row>getList(r.fieldIndex("measures")).stream().mapToDouble(m -> m.<Double>getAs("contribution")).sum();
        assertEquals(score, sum, 1e-9, "contributions sum to the score: " + what);
      }
      Date previous = r.getAs("previous_snapshot_date");
      if (previous != null) {
        compared++;
        assertEquals(before.get(r.getDate(0).toLocalDate()), previous.toLocalDate(), "compared with the snapshot before: " + what);
        Map<String, Double> byMeasure = r.getJavaMap(r.fieldIndex("measure_changes"));
        double terms = byMeasure.values().stream().mapToDouble(Double::doubleValue).sum()
            + r.<Double>getAs("reweighting_change") + r.<Double>getAs("scorecard_change");
        assertEquals(r.<Double>getAs("score_change"), terms, 1e-9, "the terms sum to the change: " + what);
        assertEquals(score - r.<Double>getAs("previous_score"), r.<Double>getAs("score_change"), 1e-9, what);
      }
    }
    scores.unpersist();
    assertTrue(compared > measured.size() * 5L, "most rows compare with a previous snapshot: " + compared);
  }

  @Test
  void aBackFilledSnapshotEqualsTheNightlyOnALakeHoldingOnlyTheDeliveriesUpToItsDate() throws Exception {
    for (LocalDate date : List.of(D1, D2)) {
      Lake truncated = truncatedLake(date);
      ChurnscopeConfig onlyThatDate = ChurnscopeConfig.load(null,
          Map.of("health.backfill.from", date.toString(), "health.backfill.to", date.toString()));
      long started = System.nanoTime();
      boolean usageCovered = date.equals(D2);
      // Before the usage history there is no usage table for account-engagement to read.
      List<String> stages = usageCovered ? List.of("health-measures", "account-status", "account-engagement")
          : List.of("health-measures", "account-status");
      StageRunner.runAll(spark(), RunContext.start(date, truncated, onlyThatDate), Dag.withUpstream(NightlyJob.dag(), stages));
      System.out.printf("nightly on the lake truncated at %s: %d ms%n", date, (System.nanoTime() - started) / 1_000_000);
      assertEquals(List.of(date), dates(truncated, HealthTables.HEALTH_MEASURES));

      Dataset<Row> backfilled = partition(lake, HealthTables.HEALTH_MEASURES, date).cache();
      Dataset<Row> nightlyRows = partition(truncated, HealthTables.HEALTH_MEASURES, date).cache();
      assertTrue(backfilled.count() > 10, date + ": accounts scored: " + backfilled.count());
      // Row for row, usage included: the back-fill re-rolls the days that usage events delivered after
      // the date (late) reach, which the nightly of that date could not see and the rollups now hold.
      DatasetAssertions.assertSameRows(nightlyRows, backfilled);
      long late = DeltaIO.read(spark(), lake, StagedTables.USAGE_EVENTS)
          .where(col("event_date").between(lit(Date.valueOf(date.minusDays(55))), lit(Date.valueOf(date)))
              .and(col("ingest_date").gt(lit(Date.valueOf(date)))))
          .select("account_id").distinct().count();
      System.out.printf("%s: %d accounts row for row, %d of them with usage events delivered after the date%n",
          date, backfilled.count(), late);
      if (usageCovered) {
        assertTrue(late > 0, "late events exist, so the comparison means something: " + late);
      } else {
        assertEquals(0, late, "no usage before the usage history");
      }

      storedPartitionsAgree(truncated, nightlyRows, date);
      backfilled.unpersist();
      nightlyRows.unpersist();
    }
  }

  /**
   * On the truncated lake, the in-memory status and engagement of {@code date} agree with the stored
   * {@code marts.account_status} and {@code marts.account_engagement} partitions its nightly wrote (read
   * through the single-date path {@link HealthInputs#measures}).
   */
  static void storedPartitionsAgree(Lake truncated, Dataset<Row> nightlyRows, LocalDate date) {
    ChurnscopeConfig config = ChurnscopeConfig.defaults();
    HealthInputs.Sources stored = HealthInputs.Sources.read(spark(), truncated,
        DeltaIO.read(spark(), truncated, MartTables.ACCOUNT_STATUS));
    Dataset<Row> fromStored = HealthInputs.measures(stored,
        HealthInputs.population(stored, date, HealthSettings.from(config), LicensedSeats.products(config)), date);
    boolean usageCovered = date.equals(D2);
    String[] compared = Stream.concat(Stream.of("account_id", "lifecycle_stage", "arr_tier", "tenure_days", "mrr", "seats",
            "plan", "billing_interval", "days_to_renewal"),
        HealthMeasure.pointInTimeIds().stream().filter(m -> usageCovered || !USAGE.contains(m))).toArray(String[]::new);
    DatasetAssertions.assertSameRows(fromStored.selectExpr(compared), nightlyRows.selectExpr(compared));
    if (usageCovered) {
      assertTrue(partition(truncated, EngagementTables.ACCOUNT_ENGAGEMENT, date).count() > 0,
          date + ": the stored engagement partition has rows");
    }
  }

  /** A new lake whose raw zone holds the deliveries up to {@code date} only. */
  static Lake truncatedLake(LocalDate date) throws IOException {
    Lake truncated = new Lake(dir.resolve("upto-" + date).toString());
    for (RawFeed feed : RawFeed.values()) {
      Path from = Path.of(lake.raw(feed.folder()));
      if (!Files.isDirectory(from)) {
        continue;
      }
      try (Stream<Path> deliveries = Files.list(from)) {
        for (Path delivery : deliveries.toList()) {
          String name = delivery.getFileName().toString();
          if (name.startsWith("dt=") && !LocalDate.parse(name.substring(3)).isAfter(date)) {
            copyTree(delivery, Path.of(truncated.raw(feed.folder())).resolve(name));
          }
        }
      }
    }
    return truncated;
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
