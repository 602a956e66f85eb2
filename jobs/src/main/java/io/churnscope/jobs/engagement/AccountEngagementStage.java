package io.churnscope.jobs.engagement;

import io.churnscope.common.run.DataFlow;
import static org.apache.spark.sql.functions.col;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.quality.QualityGate;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.jobs.subscriptions.LicensedSeats;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code account-engagement}: {@code marts.account_day}, {@code marts.user_day} (the trailing
 * windows only, read by partition) and {@code staged.subscription_versions} →
 * {@code marts.account_engagement} for the run date, published with {@code replaceWhere} on
 * {@code snapshot_date}, so a re-run replaces exactly its own snapshot. Its cost depends on the
 * window lengths, not on the length of the history. Definitions: {@code docs/engagement.md}.
 *
 * <p>Configuration: {@code engagement.*}.
 */
public final class AccountEngagementStage implements Stage {
  @Override
  public String name() {
    return "account-engagement";
  }

  @Override
  public String description() {
    return "marts.account_day, marts.user_day, subscriptions → marts.account_engagement (run-date snapshot)";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(EngagementTables.ACCOUNT_DAY, EngagementTables.USER_DAY, StagedTables.SUBSCRIPTION_VERSIONS)
        .writing(EngagementTables.ACCOUNT_ENGAGEMENT);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    EngagementSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    EngagementSettings settings = EngagementSettings.from(run.config());
    LocalDate date = run.runDate();
    Dataset<Row> accountDays = DeltaIO.read(spark, run.lake(), EngagementTables.ACCOUNT_DAY)
        .where(col("activity_date").between(Date.valueOf(AccountEngagement.accountDaysFrom(date)), Date.valueOf(date)));
    Dataset<Row> userDays = DeltaIO.read(spark, run.lake(), EngagementTables.USER_DAY)
        .where(col("activity_date").between(Date.valueOf(AccountEngagement.userDaysFrom(date, settings)), Date.valueOf(date)));
    Dataset<Row> seats = LicensedSeats.inLake(spark, run.lake(), date, settings.seatProducts());
    Dataset<Row> snapshot = AccountEngagement.snapshot(accountDays, userDays, seats, date, settings).cache();
    try {
      gate().enforce(snapshot);
      DeltaIO.replaceWhere(spark, run.lake(), EngagementTables.ACCOUNT_ENGAGEMENT, snapshot,
          "snapshot_date = '" + date + "'");
      Row summary = snapshot.selectExpr("count(*)", "count_if(decline_flag)", "count_if(utilization_reading = 'adoption_risk')")
          .first();
      return new StageResult(0, summary.getLong(0), 0,
          "engagement of " + summary.getLong(0) + " accounts on " + date + ": " + summary.getLong(1) + " declining, "
              + summary.getLong(2) + " at adoption risk");
    } finally {
      snapshot.unpersist();
    }
  }

  /** Invariants of the windows: a shorter window never has more users than a longer one. */
  static QualityGate gate() {
    return QualityGate.on(EngagementTables.ACCOUNT_ENGAGEMENT.qualifiedName())
        .error("dau_le_wau_le_mau", col("dau").gt(col("wau")).or(col("wau").gt(col("mau"))))
        .error("utilization_iff_seats", col("license_utilization").isNull().notEqual(col("licensed_seats").equalTo(0)))
        .error("active_days_in_0_14", col("active_days_14").lt(0).or(col("active_days_14").gt(14)));
  }
}
