package io.churnscope.jobs.ingest;

import io.churnscope.common.config.ChurnscopeConfig;

/** The configuration keys ingestion reads, checked up front by every ingestion stage. */
final class IngestSettings {
  private IngestSettings() {}

  /** Reads each key once, so a bad value fails the run with one line before Spark starts. */
  static void validate(ChurnscopeConfig config) {
    config.numberBetween("quality.max-quarantine-share", 0, 1);
    config.positiveInt("ingest.max-lateness-days");
    config.positiveInt("ingest.max-clock-skew-hours");
    config.strings("ingest.currencies");
    config.string("privacy.pseudonym-salt");
    config.strings("privacy.pii-keys");
  }
}
