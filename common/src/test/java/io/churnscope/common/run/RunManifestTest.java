package io.churnscope.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.testing.SparkTestBase;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a back-fill reads from the manifest: each date's stages at their latest start, aggregated in Spark. */
class RunManifestTest extends SparkTestBase {
  private static final LocalDate D1 = LocalDate.parse("2026-10-01");
  private static final LocalDate D2 = LocalDate.parse("2026-10-02");
  private static final LocalDate D3 = LocalDate.parse("2026-10-03");

  @TempDir
  Path dir;

  /**
   * Rows appended out of start order: the latest start wins, not the last appended — D1's ingest
   * failed at 03:00 after it succeeded at 02:00 (appended later, started earlier), its model
   * succeeded at 04:00 after failing at 01:00 — and a date outside [from, to] is not read.
   */
  @Test
  void eachStageReadsItsLatestStatusByStartTime() {
    Lake lake = new Lake(dir.toString());
    record(lake, D1, "ingest", "failed", "2026-10-02T03:00:00Z");
    record(lake, D1, "ingest", "succeeded", "2026-10-02T02:00:00Z");
    record(lake, D1, "model", "failed", "2026-10-02T01:00:00Z");
    record(lake, D1, "model", "succeeded", "2026-10-02T04:00:00Z");
    record(lake, D2, "ingest", "succeeded", "2026-10-03T02:00:00Z");
    record(lake, D3, "ingest", "failed", "2026-10-04T02:00:00Z");

    assertEquals(Map.of(D1, Map.of("ingest", "failed", "model", "succeeded"), D2, Map.of("ingest", "succeeded")),
        RunManifest.latestStatus(spark(), lake, D1, D2));
    assertEquals(Map.of(), RunManifest.latestStatus(spark(), lake, D3.plusDays(1), D3.plusDays(9)), "no run in range");
  }

  private void record(Lake lake, LocalDate date, String stage, String status, String startedAt) {
    RunContext run = new RunContext(date + "T" + startedAt, date, lake, ChurnscopeConfig.defaults());
    RunManifest.record(spark(), run, new RunManifest.Entry(stage, status, Instant.parse(startedAt), 1,
        new StageResult(0, 0, 0, "")));
  }
}
