package io.churnscope.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.to_date;

import io.churnscope.common.config.ChurnscopeConfig;
import java.util.List;

/**
 * Checks on an event's own time against its delivery date. A late event (delivered after its
 * day) is normal and lands in its event-date partition; one later than
 * {@code ingest.max-lateness-days} is {@code too_late}, and one stamped in the future beyond
 * {@code ingest.max-clock-skew-hours} is {@code future_timestamp}.
 */
public final class EventTime {
  private EventTime() {}

  public static List<Check> checks(ChurnscopeConfig config) {
    int lateness = IngestSettings.MAX_LATENESS_DAYS.from(config);
    int skewHours = IngestSettings.MAX_CLOCK_SKEW_HOURS.from(config);
    return List.of(
        new Check("too_late", "event_ts more than " + lateness + " days before its delivery",
            to_date(col("event_ts")).lt(date_sub(col("ingest_date"), lateness))),
        new Check("future_timestamp", "event_ts after its delivery day by more than " + skewHours + " h",
            col("event_ts").gt(expr("timestamp(date_add(ingest_date, 1)) + make_interval(0, 0, 0, 0, " + skewHours + ")"))));
  }

  /** The oldest event date a batch can hold: what cross-delivery de-duplication must look back to. */
  public static org.apache.spark.sql.Column oldestEventDate(IngestWindow window, ChurnscopeConfig config) {
    return date_sub(org.apache.spark.sql.functions.lit(java.sql.Date.valueOf(window.from())),
        IngestSettings.MAX_LATENESS_DAYS.from(config) + 1);
  }
}
