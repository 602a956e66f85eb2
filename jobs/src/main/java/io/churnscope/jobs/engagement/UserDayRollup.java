package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code staged.usage_events} (any set of whole event-date partitions) → {@code marts.user_day}
 * rows for those dates: one row per UTC day, account and user with any event.
 */
public final class UserDayRollup {

  private UserDayRollup() {}

  public static Dataset<Row> apply(Dataset<Row> events, EngagementSettings settings) {
    Column passive = col("event_name").isin(settings.passiveEvents().toArray());
    Dataset<Row> marked = events
        .select(col("event_id"), col("event_name"), col("feature"), col("user_key"), col("account_id"),
            col("event_ts"), col("event_date"))
        .withColumn("is_active_event", not(passive));

    // Counts per event name first: the map of counts and the totals come from these few rows.
    Dataset<Row> byName = marked.groupBy(col("event_date").as("activity_date"), col("account_id"), col("user_key"),
            col("event_name"), col("is_active_event"))
        .agg(count(lit(1)).as("n"));
    Dataset<Row> counts = byName.groupBy("activity_date", "account_id", "user_key")
        .agg(sum("n").as("events"),
            sum(when(col("is_active_event"), col("n")).otherwise(lit(0L))).as("active_events"),
            map_from_entries(array_sort(collect_list(struct(col("event_name"), col("n"))))).as("events_by_name"));

    Dataset<Row> sessions = Sessions.apply(marked.where(col("is_active_event")),
            settings.idleTimeoutSeconds(), settings.maxSessionSeconds())
        .groupBy(col("event_date").as("activity_date"), col("account_id"), col("user_key"))
        .agg(sum("session_start").cast("int").as("sessions"),
            sum("active_micros").divide(lit(1_000_000L)).cast("long").as("active_seconds"),
            array_sort(collect_set(col("feature"))).as("features"),
            min("event_ts").as("first_active_ts"),
            max("event_ts").as("last_active_ts"));

    return counts.join(sessions, Joins.on("activity_date", "account_id", "user_key"), "left")
        .select(col("activity_date"), col("account_id"), col("user_key"),
            col("active_events").gt(0).as("is_active"),
            col("events"), col("active_events"), col("events_by_name"),
            coalesce(col("features"), Joins.noStrings()).as("features"),
            coalesce(col("sessions"), lit(0)).as("sessions"),
            coalesce(col("active_seconds"), lit(0L)).as("active_seconds"),
            col("first_active_ts"), col("last_active_ts"));
  }
}
