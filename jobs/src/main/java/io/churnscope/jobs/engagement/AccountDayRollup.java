package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code marts.user_day} rows of some dates, with the same dates' volumetrics and configuration
 * snapshots → {@code marts.account_day} rows for those dates. An account has a row on a day when it
 * had any event, records created or a configuration snapshot that day.
 */
public final class AccountDayRollup {
  private AccountDayRollup() {}

  /**
   * @param userDays {@code marts.user_day} rows
   * @param volumetrics {@code staged.account_volumetrics} rows of the same dates
   * @param config {@code staged.account_config} rows of the same dates
   */
  public static Dataset<Row> apply(Dataset<Row> userDays, Dataset<Row> volumetrics, Dataset<Row> config) {
    Dataset<Row> users = userDays.groupBy("activity_date", "account_id")
        .agg(count_if(col("is_active")).as("active_users"),
            count(lit(1)).as("users_seen"),
            sum("events").as("events"),
            sum("active_events").as("active_events"),
            array_sort(array_distinct(flatten(collect_list("features")))).as("features"),
            sum("sessions").cast("long").as("sessions"),
            sum("active_seconds").as("active_seconds"));
    Dataset<Row> names = userDays
        .select(col("activity_date"), col("account_id"), explode(col("events_by_name")).as(new String[] {"event_name", "n"}))
        .groupBy("activity_date", "account_id", "event_name").agg(sum("n").as("n"))
        .groupBy("activity_date", "account_id")
        .agg(map_from_entries(array_sort(collect_list(struct(col("event_name"), col("n"))))).as("events_by_name"));
    Dataset<Row> records = volumetrics
        .groupBy(col("extract_date").as("activity_date"), col("account_id"))
        .agg(sum("records_created").as("records_created"));
    Dataset<Row> settings = config
        .groupBy(col("snapshot_date").as("activity_date"), col("account_id"))
        .agg(count_if(col("enabled")).cast("int").as("settings_enabled"));

    return users.join(names, Joins.on("activity_date", "account_id"), "left")
        .join(records, Joins.on("activity_date", "account_id"), "full_outer")
        .join(settings, Joins.on("activity_date", "account_id"), "full_outer")
        .select(col("activity_date"), col("account_id"),
            coalesce(col("active_users"), lit(0L)).gt(0).as("is_active"),
            coalesce(col("active_users"), lit(0L)).as("active_users"),
            coalesce(col("users_seen"), lit(0L)).as("users_seen"),
            coalesce(col("events"), lit(0L)).as("events"),
            coalesce(col("active_events"), lit(0L)).as("active_events"),
            coalesce(col("events_by_name"), org.apache.spark.sql.functions.map().cast("map<string,bigint>")).as("events_by_name"),
            coalesce(col("features"), Joins.noStrings()).as("features"),
            coalesce(col("sessions"), lit(0L)).as("sessions"),
            coalesce(col("active_seconds"), lit(0L)).as("active_seconds"),
            coalesce(col("records_created"), lit(0L)).as("records_created"),
            col("settings_enabled"));
  }
}
