package io.churnscope.common.config;

/**
 * The {@code run} block's own keys (the lock's are {@link RunLockSettings}).
 *
 * @param skipUnchanged whether a stage whose fingerprint is unchanged since its last success on the
 *     run date is skipped (the run package's StageFingerprint); {@code nightly --force}
 *     turns it off
 */
public record RunSettings(boolean skipUnchanged) {
  public static final ConfigKey<Boolean> SKIP_UNCHANGED = ConfigKey.bool("run.skip-unchanged");

  public static RunSettings from(ChurnscopeConfig config) {
    return new RunSettings(SKIP_UNCHANGED.from(config));
  }
}
