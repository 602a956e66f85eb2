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
    return List.of(
        new Check("too_late", "event_ts more than " + lateness + " days before its delivery",
            to_date(col("event_ts")).lt(date_sub(col("ingest_date"), lateness))),
        future("event_ts", config));
  }

  /**
   * {@code future_timestamp} for a record stamped more than {@code ingest.max-clock-skew-hours} after
   * the end of its delivery day: a change, ticket or response cannot be exported before it happened
   * (a year-2999 placeholder would otherwise be staged as a real time).
   */
  public static Check future(String column, ChurnscopeConfig config) {
    int skewHours = IngestSettings.MAX_CLOCK_SKEW_HOURS.from(config);
    return new Check("future_timestamp", column + " after its delivery day by more than " + skewHours + " h",
        col(column).gt(expr("timestamp(date_add(ingest_date, 1)) + make_interval(0, 0, 0, 0, " + skewHours + ")")));
  }

  /** The oldest event date a batch can hold: what cross-delivery de-duplication must look back to. */
  public static org.apache.spark.sql.Column oldestEventDate(IngestWindow window, ChurnscopeConfig config) {
    return date_sub(org.apache.spark.sql.functions.lit(java.sql.Date.valueOf(window.from())),
        IngestSettings.MAX_LATENESS_DAYS.from(config) + 1);
  }
}
