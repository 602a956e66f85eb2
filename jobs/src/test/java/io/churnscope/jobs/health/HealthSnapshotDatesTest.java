package io.churnscope.jobs.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which snapshot dates a run of {@code health-measures} writes. */
class HealthSnapshotDatesTest {
  static final LocalDate RUN = LocalDate.parse("2026-03-15");
  static final HealthBackfillSettings NONE = new HealthBackfillSettings(null, null);

  static List<LocalDate> dates(String... days) {
    return java.util.Arrays.stream(days).map(LocalDate::parse).toList();
  }

  @Test
  void theFirstRunWritesEveryMonthEndFromTheFirstCustomerMonthAndTheRunDate() {
    assertEquals(dates("2025-11-30", "2025-12-31", "2026-01-31", "2026-02-28", "2026-03-15"),
        HealthMeasuresStage.snapshotDates(RUN, LocalDate.parse("2025-11-01"), Set.of(), NONE));
  }

  @Test
  void laterRunsWriteTheRunDateAndAnyMissingMonthEnd() {
    Set<LocalDate> written = Set.copyOf(dates("2025-11-30", "2026-01-31", "2026-02-28", "2026-03-14"));
    assertEquals(dates("2025-12-31", "2026-03-15"),
        HealthMeasuresStage.snapshotDates(RUN, LocalDate.parse("2025-11-01"), written, NONE));
  }

  @Test
  void aRunOnAMonthEndWritesItOnce() {
    assertEquals(dates("2026-02-28"),
        HealthMeasuresStage.snapshotDates(LocalDate.parse("2026-02-28"), LocalDate.parse("2026-02-01"), Set.of(), NONE));
  }

  @Test
  void aLakeWithoutCustomersWritesOnlyTheRunDate() {
    assertEquals(dates("2026-03-15"), HealthMeasuresStage.snapshotDates(RUN, null, Set.of(), NONE));
  }

  @Test
  void aRangeRewritesItsMonthEndsWrittenOrNot() {
    HealthBackfillSettings range = HealthBackfillSettings.from(ChurnscopeConfig.load(null,
        Map.of("health.backfill.from", "2025-12-15", "health.backfill.to", "2026-01-31")));
    Set<LocalDate> written = Set.copyOf(dates("2025-11-30", "2025-12-31", "2026-01-31"));
    assertEquals(dates("2025-12-31", "2026-01-31", "2026-03-15"),
        HealthMeasuresStage.snapshotDates(RUN, LocalDate.parse("2025-11-01"), written, range));
  }

  @Test
  void aHalfOrReversedRangeIsRefusedNamingTheKey() {
    UserError half = assertThrows(UserError.class, () -> HealthBackfillSettings.from(ChurnscopeConfig.load(null,
        Map.of("health.backfill.from", "2025-12-15"))));
    assertEquals(true, half.getMessage().startsWith("health.backfill"), half.getMessage());
    UserError reversed = assertThrows(UserError.class, () -> HealthBackfillSettings.from(ChurnscopeConfig.load(null,
        Map.of("health.backfill.from", "2026-12-15", "health.backfill.to", "2026-01-31"))));
    assertEquals(true, reversed.getMessage().startsWith("health.backfill.from"), reversed.getMessage());
  }
}
