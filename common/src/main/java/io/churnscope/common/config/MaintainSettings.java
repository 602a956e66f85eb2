package io.churnscope.common.config;

import io.churnscope.common.UserError;

/**
 * The {@code maintain.*} keys: lake upkeep — {@code OPTIMIZE} where small files pile up and
 * {@code VACUUM} of the files no snapshot within the retention reads (docs/runbook.md, "Lake upkeep").
 * Read by {@code bin/churnscope maintain} and the nightly's {@code maintain-lake} stage.
 *
 * @param nightly run the {@code maintain-lake} stage in every nightly (before {@code publish-catalog})
 * @param optimizeMinFiles compact a partition (only it) when it holds at least this many live files
 * @param optimizeMaxAverageFileMb ... and they average less than this many MB
 * @param retentionHours VACUUM keeps every file a snapshot of the last this many hours reads
 * @param belowDeltaMinimum allow a retention shorter than Delta's safety minimum (168 hours)
 */
public record MaintainSettings(boolean nightly, int optimizeMinFiles, double optimizeMaxAverageFileMb,
    int retentionHours, boolean belowDeltaMinimum) {
  public static final ConfigKey<Boolean> NIGHTLY = ConfigKey.bool("maintain.nightly");
  public static final ConfigKey<Integer> OPTIMIZE_MIN_FILES = ConfigKey.intAtLeast("maintain.optimize.min-files", 2);
  public static final ConfigKey<Double> OPTIMIZE_MAX_AVERAGE_FILE_MB =
      ConfigKey.numberBetween("maintain.optimize.max-average-file-mb", 0.001, 1_000_000);
  /** Whole hours: Delta's VACUUM rounds its retention to the hour. */
  public static final ConfigKey<Integer> RETENTION_HOURS = ConfigKey.intAtLeast("maintain.vacuum.retention-hours", 0);
  public static final ConfigKey<Boolean> BELOW_DELTA_MINIMUM = ConfigKey.bool("maintain.vacuum.below-delta-minimum");

  /**
   * Delta's own floor: VACUUM refuses a retention shorter than a table's
   * {@code delta.deletedFileRetentionDuration}, one week unless the table says otherwise
   * ({@code spark.databricks.delta.retentionDurationCheck.enabled}).
   */
  public static final int DELTA_MINIMUM_RETENTION_HOURS = 168;

  public static MaintainSettings from(ChurnscopeConfig config) {
    MaintainSettings settings = new MaintainSettings(NIGHTLY.from(config), OPTIMIZE_MIN_FILES.from(config),
        OPTIMIZE_MAX_AVERAGE_FILE_MB.from(config), RETENTION_HOURS.from(config), BELOW_DELTA_MINIMUM.from(config));
    if (settings.retentionHours < DELTA_MINIMUM_RETENTION_HOURS && !settings.belowDeltaMinimum) {
      throw new UserError(RETENTION_HOURS.path() + " = " + settings.retentionHours + " ("
          + config.origin(RETENTION_HOURS.path()) + ") is below Delta's safety minimum of "
          + DELTA_MINIMUM_RETENTION_HOURS + " hours: raise it, or set " + BELOW_DELTA_MINIMUM.path()
          + " = true to accept that time travel and queries older than that may fail (published catalog versions stay kept)");
    }
    return settings;
  }
}
