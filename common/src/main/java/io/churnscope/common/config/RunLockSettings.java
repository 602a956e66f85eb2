package io.churnscope.common.config;

import java.time.Duration;

/**
 * The {@code run.lock} block: the lake's run lock ({@code RunLock} of the run package; docs/runbook.md).
 *
 * @param leaseMinutes a lock whose holder has not renewed it for this long is stale and the next run
 *     takes it over; the holder renews it every quarter of this
 */
public record RunLockSettings(int leaseMinutes) {
  public static final ConfigKey<Integer> LEASE_MINUTES = ConfigKey.positiveInt("run.lock.lease-minutes");

  public static RunLockSettings from(ChurnscopeConfig config) {
    return new RunLockSettings(LEASE_MINUTES.from(config));
  }

  public Duration lease() {
    return Duration.ofMinutes(leaseMinutes);
  }
}
