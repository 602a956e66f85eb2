package io.churnscope.common.testing;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Rows of {@code staged.usage_events} for tests that need a partitioned table to read, rewrite or compact. */
public final class UsageEventRows {
  private UsageEventRows() {}

  /**
   * {@code count} server-log events of one account on one day ({@code event_date} = {@code day}),
   * ids {@code <day>-0 ...}, a second apart from 10:00, spread over three users.
   */
  public static Dataset<Row> of(SparkSession spark, String day, int count, String account) {
    return spark.range(count).selectExpr(
        "concat('" + day + "-', id) AS event_id", "'server_log' AS source", "'server' AS event_type",
        "'Report Viewed' AS event_name", "'reports' AS feature", "concat('u', id % 3) AS user_key",
        "'" + account + "' AS account_id", "timestamp'" + day + " 10:00:00' + make_interval(0,0,0,0,0,0,id) AS event_ts",
        "date'" + day + "' AS event_date", "map('plan', 'pro') AS properties",
        "date'" + day + "' AS ingest_date", "'raw/server_log/dt=" + day + "/part-0.json' AS source_file");
  }
}
