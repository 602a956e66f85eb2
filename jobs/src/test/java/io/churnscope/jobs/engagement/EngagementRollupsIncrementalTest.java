package io.churnscope.jobs.engagement;

import static io.churnscope.jobs.engagement.EngagementFixtures.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.DeltaSnapshotFiles;
import io.churnscope.common.testing.SparkTestBase;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code engagement-rollups} stage over hand-built staged deliveries: each night recomputes only
 * the days its delivery touched (a late event reopens its own day and no other), a re-run is
 * identical, and three nights equal one backfill over the same deliveries.
 */
class EngagementRollupsIncrementalTest extends SparkTestBase {
  static final LocalDate D1 = LocalDate.parse("2026-10-01");
  static final LocalDate D2 = LocalDate.parse("2026-10-02");
  static final LocalDate D3 = LocalDate.parse("2026-10-03");

  @TempDir
  Path dir;

  /** What each delivery (ingest date) brings: D3's delivery holds a late event of D1. */
  static List<Row> delivery(LocalDate day) {
    String d = day.toString();
    List<Row> rows = new java.util.ArrayList<>(List.of(
        event(d + "a", "A", "u1", "Report Viewed", "reports", d + "T09:00:00Z"),
        event(d + "b", "A", "u1", "Task Created", "tasks", d + "T09:20:00Z"),
        event(d + "c", "B", "u2", "Search Performed", "search", d + "T23:50:00Z"),
        event(d + "d", "B", "u3", "Email Sent", null, d + "T12:00:00Z")));
    if (day.equals(D3)) {
      rows.add(event("late", "A", "u1", "Export Requested", "exports", D1 + "T09:25:00Z", D3.toString()));
    }
    return rows;
  }

  void deliver(Lake lake, LocalDate day) {
    DeltaIO.append(spark(), lake, StagedTables.USAGE_EVENTS, spark().createDataFrame(delivery(day), EngagementFixtures.EVENTS));
    DeltaIO.append(spark(), lake, StagedTables.ACCOUNT_VOLUMETRICS, spark().createDataFrame(
        List.of(EngagementFixtures.volumetrics("A", day.toString(), "task", day.getDayOfMonth())), EngagementFixtures.VOLUMETRICS));
    DeltaIO.append(spark(), lake, StagedTables.ACCOUNT_CONFIG, spark().createDataFrame(
        List.of(EngagementFixtures.config("B", day.toString(), "sso", true)), EngagementFixtures.CONFIG));
  }

  static RunContext run(Lake lake, LocalDate date) {
    return RunContext.start(date, lake, ChurnscopeConfig.defaults());
  }

  static List<Row> table(Lake lake, TableSpec table) {
    return DeltaIO.read(spark(), lake, table).collectAsList();
  }

  static List<String> filesOfDay(Lake lake, TableSpec table, LocalDate day) {
    return DeltaSnapshotFiles.of(lake.path(table)).stream().filter(f -> f.contains("activity_date=" + day)).sorted().toList();
  }

  @Test
  void aLateEventRecomputesOnlyItsDayAndNightsEqualOneBackfill() throws Exception {
    Lake nightly = new Lake(dir.resolve("nightly").toString());
    EngagementRollupsStage stage = new EngagementRollupsStage();
    deliver(nightly, D1);
    assertEquals(List.of(D1), RollupPlan.plan(spark(), run(nightly, D1)).days());
    stage.run(spark(), run(nightly, D1));
    deliver(nightly, D2);
    assertEquals(List.of(D2), RollupPlan.plan(spark(), run(nightly, D2)).days());
    stage.run(spark(), run(nightly, D2));
    deliver(nightly, D3);
    List<String> day2Files = filesOfDay(nightly, EngagementTables.USER_DAY, D2);
    assertTrue(!day2Files.isEmpty(), "2 Oct has files");

    assertEquals(List.of(D1, D3), RollupPlan.plan(spark(), run(nightly, D3)).days(), "the late event reopens 1 Oct only");
    stage.run(spark(), run(nightly, D3));
    assertEquals(day2Files, filesOfDay(nightly, EngagementTables.USER_DAY, D2), "2 Oct was not rewritten");
    Row u1 = DeltaIO.read(spark(), nightly, EngagementTables.USER_DAY)
        .where("activity_date = '" + D1 + "' AND user_key = 'u1'").first();
    assertEquals(3L, u1.<Long>getAs("active_events"), "the late export joined its day");
    assertEquals(1500L, u1.<Long>getAs("active_seconds"), "09:00 → 09:20 → 09:25");

    // A re-run of the last night recomputes the same days from the same partitions: identical tables.
    List<Row> userDays = table(nightly, EngagementTables.USER_DAY);
    List<Row> accountDays = table(nightly, EngagementTables.ACCOUNT_DAY);
    stage.run(spark(), run(nightly, D3));
    DatasetAssertions.assertSameRows(userDays, table(nightly, EngagementTables.USER_DAY));
    DatasetAssertions.assertSameRows(accountDays, table(nightly, EngagementTables.ACCOUNT_DAY));
    // A re-run of an older night reads exactly its own delivery.
    assertEquals(List.of(D2), RollupPlan.plan(spark(), run(nightly, D2)).days());

    // One backfill over the same three deliveries gives the same tables.
    Lake backfill = new Lake(dir.resolve("backfill").toString());
    for (LocalDate day : List.of(D1, D2, D3)) {
      deliver(backfill, day);
    }
    assertEquals(List.of(D1, D2, D3), RollupPlan.plan(spark(), run(backfill, D3)).days());
    stage.run(spark(), run(backfill, D3));
    DatasetAssertions.assertSameRows(userDays, table(backfill, EngagementTables.USER_DAY));
    DatasetAssertions.assertSameRows(accountDays, table(backfill, EngagementTables.ACCOUNT_DAY));
    assertEquals(9, userDays.size(), "u1@A, u2@B, u3@B on three days");
    assertTrue(accountDays.stream().allMatch(r -> r.<Long>getAs("records_created") > 0 == r.getString(1).equals("A")));
  }
}
