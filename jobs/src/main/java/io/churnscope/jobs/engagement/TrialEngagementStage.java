package io.churnscope.jobs.engagement;

import io.churnscope.common.run.DataFlow;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.StagedTables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code trial-engagement}: {@code staged.subscription_versions}, {@code staged.crm_accounts} and
 * {@code marts.account_day} → {@code marts.trial_engagement} (per trial account) and
 * {@code marts.trial_engagement_report} (by signup month and campaign). Both are small and
 * recomputed in full on every run (overwrite), so a re-run gives the same tables.
 *
 * <p>Configuration: {@code engagement.trial.*}.
 */
public final class TrialEngagementStage implements Stage {
  @Override
  public String name() {
    return "trial-engagement";
  }

  @Override
  public String description() {
    return "subscriptions, CRM, marts.account_day → marts.trial_engagement, marts.trial_engagement_report";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(StagedTables.SUBSCRIPTION_VERSIONS, StagedTables.CRM_ACCOUNTS, EngagementTables.ACCOUNT_DAY,
        EngagementTables.TRIAL_ENGAGEMENT)
        .writing(EngagementTables.TRIAL_ENGAGEMENT, EngagementTables.TRIAL_ENGAGEMENT_REPORT);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    TrialEngagementSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    TrialEngagementSettings settings = TrialEngagementSettings.from(run.config());
    Dataset<Row> perAccount = TrialEngagement.perAccount(
        DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.SUBSCRIPTION_VERSIONS),
        DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.CRM_ACCOUNTS),
        DeltaIO.readOrEmpty(spark, run.lake(), EngagementTables.ACCOUNT_DAY).select("account_id", "activity_date",
            "is_active", "events_by_name"),
        run.runDate(), settings).cache();
    try {
      DeltaIO.overwrite(spark, run.lake(), EngagementTables.TRIAL_ENGAGEMENT, perAccount);
      Dataset<Row> report = TrialEngagement.report(DeltaIO.read(spark, run.lake(), EngagementTables.TRIAL_ENGAGEMENT));
      DeltaIO.overwrite(spark, run.lake(), EngagementTables.TRIAL_ENGAGEMENT_REPORT, report);
      Row counts = perAccount.selectExpr("count(*)", "count_if(evaluation_complete)", "count_if(evaluation_complete AND engaged)")
          .first();
      return new StageResult(0, counts.getLong(0), 0,
          counts.getLong(0) + " trials, " + counts.getLong(2) + " of " + counts.getLong(1) + " complete evaluations engaged");
    } finally {
      perAccount.unpersist();
    }
  }
}
