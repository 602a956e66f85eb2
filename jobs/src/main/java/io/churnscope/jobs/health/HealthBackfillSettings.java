package io.churnscope.jobs.health;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import java.time.LocalDate;

/**
 * The {@code health.backfill.*} keys: which past month-ends the stage {@code health-measures} writes
 * (docs/health.md, back-fill). Both empty (the default): every month-end of the lake's history that
 * the table lacks. Both set: exactly the month-ends from {@code from} to {@code to}, re-written
 * (e.g. {@code --set health.backfill.from=2025-01-01 --set health.backfill.to=2025-12-31}).
 *
 * @param from the first day of the range, or null
 * @param to the last day of the range, or null
 */
public record HealthBackfillSettings(LocalDate from, LocalDate to) {
  public static final ConfigKey<LocalDate> FROM = optionalDate("health.backfill.from");
  public static final ConfigKey<LocalDate> TO = optionalDate("health.backfill.to");

  public static HealthBackfillSettings from(ChurnscopeConfig config) {
    LocalDate from = FROM.from(config);
    LocalDate to = TO.from(config);
    if ((from == null) != (to == null)) {
      throw new UserError("health.backfill: set both from and to (a range of month-ends), or neither (from = "
          + from + ", to = " + to + ")");
    }
    if (from != null && from.isAfter(to)) {
      throw new UserError("health.backfill.from (" + from + ") is after health.backfill.to (" + to + ")");
    }
    return new HealthBackfillSettings(from, to);
  }

  /** Whether a range was asked for. */
  public boolean hasRange() {
    return from != null;
  }

  private static ConfigKey<LocalDate> optionalDate(String path) {
    return ConfigKey.of(path, "a date YYYY-MM-DD, or empty", c -> c.string(path).isBlank() ? null : c.date(path));
  }
}
