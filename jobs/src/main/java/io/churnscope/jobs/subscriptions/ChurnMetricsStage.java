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
 * Stage {@code churn-metrics}: {@code marts.mrr_ledger_account} and
 * {@code staged.subscription_versions} → {@code marts.churn_events} and {@code marts.churn_metrics}.
 * Recomputed in full and overwritten; gated (every ledger churn has one event; churned accounts
 * never exceed the start base; every refund converted) before anything is written. Refunds come from
 * {@code staged.invoices} and {@code staged.fx_rates} when the lake has them.
 *
 * <p>Configuration: {@code subscriptions.refund-window-days}, {@code subscriptions.stick-point-days}.
 */
public final class ChurnMetricsStage implements Stage {
  @Override
  public String name() {
    return "churn-metrics";
  }

  @Override
  public String description() {
    return "MRR ledger → marts.churn_events, marts.churn_metrics";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(MartTables.MRR_LEDGER_ACCOUNT, StagedTables.SUBSCRIPTION_VERSIONS, StagedTables.INVOICES,
        StagedTables.FX_RATES)
        .writing(MartTables.CHURN_EVENTS, MartTables.CHURN_METRICS);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    SubscriptionSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    validate(run.config());
    Dataset<Row> ledger = DeltaIO.read(spark, run.lake(), MartTables.MRR_LEDGER_ACCOUNT).cache();
    Dataset<Row> versions = DeltaIO.read(spark, run.lake(), StagedTables.SUBSCRIPTION_VERSIONS);
    // Sources without invoices or FX (a USD-only export such as RavenStack) have no refunds to add.
    Dataset<Row> invoices = DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.INVOICES);
    Dataset<Row> fx = DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.FX_RATES);
    int refundWindow = SubscriptionSettings.REFUND_WINDOW_DAYS.from(run.config());
    try {
      Dataset<Row> churns = ChurnEvents.apply(ledger, versions, refundWindow,
          SubscriptionSettings.STICK_POINT_DAYS.from(run.config()));
      Dataset<Row> rates = MonthStartRates.apply(fx, ledger.select("month").distinct(), SubscriptionSettings.BASE_CURRENCY.from(run.config()));
      Dataset<Row> events = ChurnRefunds.apply(churns, invoices, rates, refundWindow).cache();
      Dataset<Row> pool = RenewalPool.apply(SubscriptionMonthEnd.apply(versions, run.runDate()), versions);
      Dataset<Row> metrics = ChurnMetrics.apply(ledger, events, pool).cache();
      long churnRows = ledger.where(col("churn_mrr").gt(0)).count();
      long eventRows = events.count();
      QualityGate.on(MartTables.CHURN_EVENTS.qualifiedName())
          .error("not_one_event_per_ledger_churn", org.apache.spark.sql.functions.lit(churnRows != eventRows))
          .error("null_churn_date_or_reason", col("churn_date").isNull().or(col("reason").isNull()))
          .error("refund_without_fx_rate", col("refunded_amount").isNull())
          .enforce(events);
      QualityGate.on(MartTables.CHURN_METRICS.qualifiedName())
          .error("more_churned_than_customers", col("churned_accounts").gt(col("customers_start")))
          .error("renewals_do_not_add_up", col("base_renewals").plus(col("churned_at_renewal")).notEqual(col("renewal_pool_accounts"))
              .or(col("churned_at_renewal").plus(col("cancellations_between_renewals")).notEqual(col("churned_accounts"))))
          .enforce(metrics);
      DeltaIO.overwrite(spark, run.lake(), MartTables.CHURN_EVENTS, events);
      DeltaIO.overwrite(spark, run.lake(), MartTables.CHURN_METRICS, metrics);
      long months = metrics.count();
      events.unpersist();
      metrics.unpersist();
      return new StageResult(ledger.count(), eventRows + months, 0,
          eventRows + " churn events, " + months + " months of churn metrics");
    } finally {
      ledger.unpersist();
    }
  }
}
