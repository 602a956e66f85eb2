package io.churnscope.jobs.ingest;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import java.time.LocalDate;
import java.util.List;

/**
 * The {@code ingest.*} keys: how late and how early an event may be against its delivery, the
 * currencies billing accepts, and the oldest date a CSV feed may hold. The engagement rollups read the lateness bounds too (a delivery can
 * reopen only the days it may hold), so they are declared once, here.
 *
 * @param maxLatenessDays an event more than this many days before its delivery is {@code too_late}
 * @param maxClockSkewHours an event this many hours past its delivery day is {@code future_timestamp}
 * @param currencies billing currencies accepted; any other is {@code unknown_currency}
 * @param earliestDate a date or timestamp of a CSV feed before this day is {@code too_old}
 */
public record IngestSettings(int maxLatenessDays, int maxClockSkewHours, List<String> currencies, LocalDate earliestDate) {
  public static final ConfigKey<Integer> MAX_LATENESS_DAYS = ConfigKey.positiveInt("ingest.max-lateness-days");
  public static final ConfigKey<Integer> MAX_CLOCK_SKEW_HOURS = ConfigKey.positiveInt("ingest.max-clock-skew-hours");
  public static final ConfigKey<List<String>> CURRENCIES = ConfigKey.strings("ingest.currencies");
  public static final ConfigKey<LocalDate> EARLIEST_DATE = ConfigKey.date("ingest.earliest-date");

  public static IngestSettings from(ChurnscopeConfig config) {
    return new IngestSettings(MAX_LATENESS_DAYS.from(config), MAX_CLOCK_SKEW_HOURS.from(config),
        List.copyOf(CURRENCIES.from(config)), EARLIEST_DATE.from(config));
  }

  /** Every key ingestion reads, checked before Spark starts (each ingestion stage's {@code validate}). */
  static void validate(ChurnscopeConfig config) {
    from(config);
    PrivacySettings.from(config);
    QualitySettings.from(config);
  }
}
