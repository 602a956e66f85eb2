package io.churnscope.jobs.engagement;

import io.churnscope.jobs.ingest.IngestSettings;
import io.churnscope.common.run.DataFlow;
import static org.apache.spark.sql.functions.col;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.StagedTables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code engagement-rollups}: {@code staged.usage_events}, {@code staged.account_volumetrics}
 * and {@code staged.account_config} → {@code marts.user_day} and {@code marts.account_day}.
 *
 * <p>Incremental: only the days touched by this run's deliveries are recomputed ({@link RollupPlan}),
 * and within a day only the users with new events (the first run rolls up every user-day), published
 * with {@code replaceWhere} on exactly those days. So N nightly runs give the same tables as one
 * backfill over the same deliveries, and a re-run of a date gives identical tables. Definitions: {@code docs/engagement.md}.
 *
 * <p>Configuration: {@code engagement.passive-events}, {@code engagement.session.*},
 * {@code ingest.max-lateness-days}, {@code ingest.max-clock-skew-hours}.
 */
public final class EngagementRollupsStage implements Stage {
  @Override
  public String name() {
    return RollupPlan.STAGE;
  }

  @Override
  public String description() {
    return "staged usage → marts.user_day, marts.account_day (the days this run's deliveries touch)";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(StagedTables.USAGE_EVENTS, StagedTables.ACCOUNT_VOLUMETRICS, StagedTables.ACCOUNT_CONFIG,
        EngagementTables.USER_DAY, EngagementTables.ACCOUNT_DAY, EngagementTables.ROLLUP_WATERMARK)
        .writing(EngagementTables.USER_DAY, EngagementTables.ACCOUNT_DAY, EngagementTables.ROLLUP_WATERMARK);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    EngagementSettings.from(config);
    IngestSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    EngagementSettings settings = EngagementSettings.from(run.config());
    RollupPlan plan = RollupPlan.plan(spark, run);
    if (plan.isEmpty()) {
      plan.advance(spark, run);
      return StageResult.nothingToDo("no usage delivered (" + plan.ingestPredicate() + ")");
    }
    Dataset<Row> events = readDays(spark, run, StagedTables.USAGE_EVENTS, plan.daysPredicate("event_date"));
    Dataset<Row> userDays = plan.firstRollup() ? UserDayRollup.apply(events, settings)
        : touchedUserDays(spark, run, plan, events, settings);
    DeltaIO.replaceWhere(spark, run.lake(), EngagementTables.USER_DAY, userDays, plan.daysPredicate("activity_date"));

    // The account rollup reads back the user rows just published rather than recomputing them.
    Dataset<Row> published = DeltaIO.read(spark, run.lake(), EngagementTables.USER_DAY)
        .where(plan.daysPredicate("activity_date"));
    Dataset<Row> accountDays = AccountDayRollup.apply(published,
        readDays(spark, run, StagedTables.ACCOUNT_VOLUMETRICS, plan.daysPredicate("extract_date")),
        readDays(spark, run, StagedTables.ACCOUNT_CONFIG, plan.daysPredicate("snapshot_date")));
    DeltaIO.replaceWhere(spark, run.lake(), EngagementTables.ACCOUNT_DAY, accountDays, plan.daysPredicate("activity_date"));
    plan.advance(spark, run);

    Row totals = published.selectExpr("count(*)", "coalesce(sum(events), 0)").first();
    long userRows = totals.getLong(0);
    long accountRows = DeltaIO.read(spark, run.lake(), EngagementTables.ACCOUNT_DAY)
        .where(plan.daysPredicate("activity_date")).count();
    return new StageResult(totals.getLong(1), userRows + accountRows, 0,
        "rolled up " + plan.days().size() + " days " + plan.days().get(0) + ".." + plan.days().get(plan.days().size() - 1)
            + ": " + userRows + " user-days, " + accountRows + " account-days");
  }

  /**
   * The days' user rows when earlier runs published them: only the user-days this run's deliveries
   * touched are rolled up again, from all their events; every other user-day of those days is kept as
   * published. A user-day depends on that user's events of that day alone (sessions end at midnight),
   * so the result equals rolling up the whole days — but a late event reopens one user's day, not
   * everyone's, and a night's late events reopen several days (about six on a generated lake).
   */
  private static Dataset<Row> touchedUserDays(SparkSession spark, RunContext run, RollupPlan plan, Dataset<Row> events,
      EngagementSettings settings) {
    Dataset<Row> touched = events.where(plan.ingestPredicate())
        .select(col("event_date").as("activity_date"), col("user_key")).distinct();
    Dataset<Row> touchedEvents = events.join(touched.withColumnRenamed("activity_date", "event_date"),
        Joins.on("event_date", "user_key"), "left_semi");
    Dataset<Row> untouched = readDays(spark, run, EngagementTables.USER_DAY, plan.daysPredicate("activity_date"))
        .join(touched, Joins.on("activity_date", "user_key"), "left_anti");
    return DeltaIO.conform(UserDayRollup.apply(touchedEvents, settings), EngagementTables.USER_DAY)
        .unionByName(DeltaIO.conform(untouched, EngagementTables.USER_DAY));
  }

  /** The table's rows on the given days, or an empty frame of its schema when it does not exist yet. */
  private static Dataset<Row> readDays(SparkSession spark, RunContext run, TableSpec table, String daysPredicate) {
    return DeltaIO.readOrEmpty(spark, run.lake(), table).where(daysPredicate);
  }
}
