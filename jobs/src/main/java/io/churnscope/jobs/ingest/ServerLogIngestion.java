package io.churnscope.jobs.ingest;

import io.churnscope.common.schema.RawFeed;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.StagedTables;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Application server logs (JSON lines) → {@code staged.usage_events}; the client IP is never read. */
final class ServerLogIngestion {
  static final StructType SCHEMA = new StructType()
      .add("request_id", StringType).add("ts", StringType).add("level", StringType)
      .add("user_id", StringType).add("account_id", StringType).add("action", StringType)
      .add("feature", StringType).add("duration_ms", StringType);

  static final RawSource SOURCE = RawSource.json(RawFeed.SERVER_LOGS, SCHEMA,
      List.of(
          Field.required("event_id", "request_id", StringType),
          Field.required("event_ts", "ts", TimestampType),
          Field.optional("level", "level", StringType),
          Field.required("user_id", "user_id", StringType),
          Field.required("account_id", "account_id", StringType),
          Field.required("event_name", "action", StringType),
          Field.optional("feature", "feature", StringType),
          Field.optional("duration_ms", "duration_ms", LongType)),
      List.of("event_id"));

  StageResult run(SparkSession spark, RunContext run) {
    return new TableIngestion(SOURCE, StagedTables.USAGE_EVENTS, EventTime.checks(run.config()), true,
        rows -> rows
            .withColumn("source", lit("server_log"))
            .withColumn("event_type", lit("server"))
            .withColumn("user_key", Pseudonyms.key(col("user_id"), run.config()))
            .withColumn("event_date", to_date(col("event_ts")))
            .withColumn("properties", expr("map_filter(map('level', level, 'duration_ms', CAST(duration_ms AS STRING)), (k, v) -> v IS NOT NULL)")),
        "source = 'server_log'",
        window -> DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.USAGE_EVENTS)
            .where(col("event_date").geq(EventTime.oldestEventDate(window, run.config()))
                .and(col("ingest_date").lt(lit(java.sql.Date.valueOf(window.from()))))
                .and(col("source").equalTo("server_log")))
            .select("event_id"))
        .run(spark, run);
  }
}
