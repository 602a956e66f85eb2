package io.churnscope.jobs.ingest;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;

/**
 * The {@code quality.*} keys.
 *
 * @param maxQuarantineShare a delivery fails the run when its quarantined share is credibly above this
 */
public record QualitySettings(double maxQuarantineShare) {
  public static final ConfigKey<Double> MAX_QUARANTINE_SHARE = ConfigKey.numberBetween("quality.max-quarantine-share", 0, 1);

  public static QualitySettings from(ChurnscopeConfig config) {
    return new QualitySettings(MAX_QUARANTINE_SHARE.from(config));
  }
}
