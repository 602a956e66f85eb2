package io.churnscope.jobs.ingest;

import io.churnscope.common.spark.JobDescription;
import io.churnscope.common.schema.RawFeed;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.spark.HeldFrames;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segment clickstream → staged. {@code track} and {@code page} calls become usage events,
 * {@code group} calls user-to-account memberships, {@code identify} calls user identities (their
 * traits are PII and are never read). An event without {@code context.groupId} takes the account
 * of its user's latest group call at or before the event; with none it is quarantined as
 * {@code unresolved_account}.
 */
final class ClickstreamIngestion {
  private static final Logger LOG = LoggerFactory.getLogger(ClickstreamIngestion.class);

  static final StructType SCHEMA = new StructType()
      .add("type", StringType).add("messageId", StringType).add("userId", StringType)
      .add("anonymousId", StringType).add("timestamp", StringType).add("event", StringType)
      .add("name", StringType).add("groupId", StringType)
      .add("properties", DataTypes.createMapType(StringType, StringType))
      .add("context", new StructType().add("groupId", StringType));

  static final RawSource SOURCE = RawSource.json(RawFeed.CLICKSTREAM, SCHEMA,
      List.of(
          Field.required("event_id", "messageId", StringType),
          Field.required("message_type", "type", StringType),
          Field.optional("user_id", "userId", StringType),
          Field.optional("anonymous_id", "anonymousId", StringType),
          Field.required("event_ts", "timestamp", TimestampType),
          Field.optional("event", "event", StringType),
          Field.optional("page_name", "name", StringType),
          Field.optional("group_id", "groupId", StringType),
          Field.optional("context_group_id", "context.groupId", StringType)),
      // messageId identifies a message; the user key leads so that de-duplication reuses the
      // partitioning of account resolution (both by user) instead of shuffling every row again.
      List.of("user_key", "event_id"));

  StageResult run(SparkSession spark, RunContext run) {
    IngestWindow window = IngestWindow.plan(spark, run, SOURCE);
    if (window.isEmpty()) {
      return StageResult.nothingToDo("clickstream: no new deliveries");
    }
    try {
      return ingest(spark, run, window);
    } catch (Exception e) {
      throw DeliveryFiles.unreadable(SOURCE.name(), e);
    }
  }

  private StageResult ingest(SparkSession spark, RunContext run, IngestWindow window) {
    try (JobDescription label = JobDescription.set(spark, "ingest clickstream " + window.from() + ".." + window.to())) {
      ChurnscopeConfig config = run.config();
      Dataset<Row> typed = SourceIngestion.readTyped(spark, run.lake(), SOURCE, window)
          .withColumn("user_key", Pseudonyms.key(
              coalesce(col("user_id"), expr("'anon:' || anonymous_id")), config))
          .withColumn("raw_properties", col("r.properties"))
          .drop("r", "user_id", "anonymous_id");
      Dataset<Row> checked = Check.classify(typed, messageChecks(config))
          .withColumn("account_id", coalesce(when(col("message_type").equalTo("group"), col("group_id")),
              col("context_group_id")));
      // Unknown accounts first, so a group call to an unknown account never becomes a membership.
      Dataset<Row> known = SourceIngestion.markUnknownAccounts(checked, SourceIngestion.knownAccounts(spark, run.lake()));
      Dataset<Row> resolved = resolveAccounts(spark, run.lake(), known, window);
      Dataset<Row> classified = SourceIngestion.holdClassified(
          SourceIngestion.markDuplicates(resolved, SOURCE.keys(), earlierIds(spark, run, window)));
      try {
        IngestCounts counts = IngestCounts.of(classified);
        counts.enforceQuarantineShare(SOURCE.name(), config, classified);
        Dataset<Row> good = classified.where(Check.isGood());
        SourceIngestion.publish(spark, run.lake(), StagedTables.USAGE_EVENTS, "source = 'clickstream'",
            events(good.where(col("message_type").isin("track", "page")), config), window);
        SourceIngestion.publish(spark, run.lake(), StagedTables.USER_ACCOUNTS,
            good.where(col("message_type").equalTo("group")).withColumn("valid_from", col("event_ts")), window);
        SourceIngestion.publish(spark, run.lake(), StagedTables.USER_IDENTITIES,
            good.where(col("message_type").equalTo("identify")).withColumn("identified_at", col("event_ts")), window);
        SourceIngestion.quarantine(spark, run, SOURCE, classified.where(Check.isGood().unary_$bang()), window);
        window.advance(spark, run);
        LOG.info(counts.describe(SOURCE.name()));
        return new StageResult(counts.in(), counts.out(), counts.quarantined(),
            SourceIngestion.inputs(run.lake(), SOURCE, window), counts.describe(SOURCE.name()));
      } finally {
        HeldFrames.release(classified);
      }
    }
  }

  static List<Check> messageChecks(ChurnscopeConfig config) {
    List<Check> checks = new java.util.ArrayList<>(List.of(
        new Check("invalid_value", "type", col("message_type").isin("track", "page", "identify", "group").unary_$bang()),
        new Check("missing_field", "userId", col("user_key").isNull()),
        new Check("missing_field", "event", col("message_type").equalTo("track").and(col("event").isNull())),
        new Check("missing_field", "groupId", col("message_type").equalTo("group").and(col("group_id").isNull()))));
    checks.addAll(EventTime.checks(config));
    return checks;
  }

  /**
   * Completes {@code account_id} (already a group call's own groupId or an event's
   * {@code context.groupId}) for events without one: the account of the user's latest group call at or before the
   * event, from earlier deliveries or this batch. One window over each user's messages in time
   * order carries the latest membership forward — a single pass over the batch, no self-join.
   */
  static Dataset<Row> resolveAccounts(SparkSession spark, Lake lake, Dataset<Row> messages, IngestWindow window) {
    Column isGroup = col("message_type").equalTo("group");
    Column isEvent = col("message_type").isin("track", "page");
    Dataset<Row> batch = messages
        .withColumn("_member_of", when(Check.isGood().and(isGroup), col("group_id")))
        .withColumn("_earlier", lit(false));
    Dataset<Row> earlier = DeltaIO.readOrEmpty(spark, lake, StagedTables.USER_ACCOUNTS)
        .where(col("ingest_date").lt(lit(java.sql.Date.valueOf(window.from()))))
        .select(col("user_key"), col("valid_from").as("event_ts"), col("account_id").as("_member_of"),
            lit(true).as("_earlier"));
    WindowSpec upToThisMessage = Window.partitionBy("user_key")
        .orderBy(col("event_ts"), col("_member_of").isNull())
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> resolved = batch.unionByName(earlier, true)
        .withColumn("_latest_membership", last(col("_member_of"), true).over(upToThisMessage))
        .where(col("_earlier").unary_$bang())
        .withColumn("account_id", coalesce(col("account_id"), when(isEvent, col("_latest_membership"))))
        .drop("_member_of", "_earlier", "_latest_membership");
    return Check.classify(resolved, List.of(new Check("unresolved_account", "no groupId and no earlier group call for the user",
        col("account_id").isNull().and(isEvent))));
  }

  /** Message ids staged by earlier deliveries, as far back as a late event can reach. */
  private static Dataset<Row> earlierIds(SparkSession spark, RunContext run, IngestWindow window) {
    Column before = col("ingest_date").lt(lit(java.sql.Date.valueOf(window.from())));
    Dataset<Row> events = DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.USAGE_EVENTS)
        .where(col("event_date").geq(EventTime.oldestEventDate(window, run.config())).and(before)
            .and(col("source").equalTo("clickstream")))
        .select("user_key", "event_id");
    Dataset<Row> groups = DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.USER_ACCOUNTS).where(before)
        .select("user_key", "event_id");
    Dataset<Row> identities = DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.USER_IDENTITIES).where(before)
        .select("user_key", "event_id");
    return events.unionByName(groups).unionByName(identities);
  }

  /** Track and page calls as usage events, with PII keys removed from their properties. */
  static Dataset<Row> events(Dataset<Row> good, ChurnscopeConfig config) {
    return good
        .withColumn("source", lit("clickstream"))
        .withColumn("event_type", col("message_type"))
        .withColumn("event_name", coalesce(col("event"), col("page_name"), lit("page")))
        .withColumn("feature", col("raw_properties").getItem("feature"))
        .withColumn("event_date", to_date(col("event_ts")))
        .withColumn("properties", expr("map_filter(raw_properties, (k, v) -> NOT array_contains(array(" + piiKeys(config) + "), lower(k)))"));
  }

  /** The configured PII keys as a SQL list of literals. */
  static String piiKeys(ChurnscopeConfig config) {
    return PrivacySettings.PII_KEYS.from(config).stream()
        .map(k -> "'" + k.toLowerCase(java.util.Locale.ROOT).replace("'", "") + "'")
        .collect(Collectors.joining(","));
  }
}
