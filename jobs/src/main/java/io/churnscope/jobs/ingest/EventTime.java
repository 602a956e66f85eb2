package io.churnscope.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import io.churnscope.common.config.ChurnscopeConfig;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.TimestampType;

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

  /**
   * {@code too_old} for every date and timestamp field of a CSV feed before {@code ingest.earliest-date}:
   * a ticket opened in 1900 or an account created at the epoch is a placeholder, not a time, and an
   * event feed (JSON) quarantines the same values as {@code too_late}. A CSV record is a state
   * (an account, a subscription version), so it has no lateness bound against its delivery: a fixed
   * floor is the rule that fits every one of its dates.
   */
  public static List<Check> notBefore(List<Field> fields, ChurnscopeConfig config) {
    LocalDate earliest = IngestSettings.EARLIEST_DATE.from(config);
    List<Check> checks = new ArrayList<>();
    for (Field field : fields) {
      if (field.type() instanceof DateType || field.type() instanceof TimestampType) {
        checks.add(new Check("too_old", field.name() + " before " + earliest + " (ingest.earliest-date)",
            to_date(col(field.name())).lt(lit(Date.valueOf(earliest)))));
      }
    }
    return checks;
  }

  /** The oldest event date a batch can hold: what cross-delivery de-duplication must look back to. */
  public static org.apache.spark.sql.Column oldestEventDate(IngestWindow window, ChurnscopeConfig config) {
    return date_sub(org.apache.spark.sql.functions.lit(java.sql.Date.valueOf(window.from())),
        IngestSettings.MAX_LATENESS_DAYS.from(config) + 1);
  }
}
