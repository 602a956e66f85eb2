package io.churnscope.jobs.subscriptions;

import io.churnscope.common.run.DataFlow;
import static org.apache.spark.sql.functions.col;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.quality.QualityGate;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code trial-conversion}: subscription versions and CRM accounts →
 * {@code marts.trial_conversion} ({@link TrialConversion}), recomputed in full and overwritten.
 * Gated: trials started = converted + lapsed + still open in every cohort.
 *
 * <p>Configuration: {@code subscriptions.trial-conversion-days}.
 */
public final class TrialConversionStage implements Stage {
  @Override
  public String name() {
    return "trial-conversion";
  }

  @Override
  public String description() {
    return "subscriptions and CRM → marts.trial_conversion (by trial month, campaign, channel)";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(StagedTables.SUBSCRIPTION_VERSIONS, StagedTables.CRM_ACCOUNTS)
        .writing(MartTables.TRIAL_CONVERSION);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    SubscriptionSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    int days = SubscriptionSettings.TRIAL_CONVERSION_DAYS.from(run.config());
    Dataset<Row> versions = DeltaIO.read(spark, run.lake(), StagedTables.SUBSCRIPTION_VERSIONS);
    Dataset<Row> crm = DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.CRM_ACCOUNTS);
    Dataset<Row> cohorts = TrialConversion.byCohort(TrialConversion.outcomes(versions, crm, run.runDate(), days),
        run.runDate()).cache();
    try {
      gate().enforce(cohorts);
      DeltaIO.overwrite(spark, run.lake(), MartTables.TRIAL_CONVERSION, cohorts);
      Row totals = cohorts.agg(org.apache.spark.sql.functions.sum("trials_started"),
          org.apache.spark.sql.functions.sum("converted")).first();
      long trials = totals.isNullAt(0) ? 0 : totals.getLong(0);
      long converted = totals.isNullAt(1) ? 0 : totals.getLong(1);
      return new StageResult(versions.count(), cohorts.count(), 0,
          trials + " trials, " + converted + " converted");
    } finally {
      cohorts.unpersist();
    }
  }

  static QualityGate gate() {
    return QualityGate.on(MartTables.TRIAL_CONVERSION.qualifiedName())
        .error("trials_do_not_add_up", col("trials_started")
            .notEqual(col("converted").plus(col("lapsed")).plus(col("still_open"))));
  }
}
