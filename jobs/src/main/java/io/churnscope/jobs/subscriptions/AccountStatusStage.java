package io.churnscope.jobs.subscriptions;

import io.churnscope.common.run.DataFlow;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

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
 * Stage {@code account-status} (after {@code churn-metrics}): CRM accounts, subscription versions,
 * {@code marts.mrr_ledger_account} and {@code marts.churn_events} → {@code marts.account_status}
 * for the run date ({@link AccountStatus}). Writes only the run date's partition
 * ({@code replaceWhere snapshot_date = run date}), so snapshots accrue day by day and a re-run of a
 * date replaces exactly that date. Gated: one row per account; customer exactly when MRR &gt; 0;
 * a tier exactly for customers; the snapshot's MRR equals the ledger's run-month total.
 *
 * <p>Configuration: {@code subscriptions.arr-tiers}, {@code subscriptions.seat-products}.
 */
public final class AccountStatusStage implements Stage {
  @Override
  public String name() {
    return "account-status";
  }

  @Override
  public String description() {
    return "CRM, subscriptions, MRR ledger, churn events → marts.account_status (snapshot of the run date)";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(StagedTables.CRM_ACCOUNTS, StagedTables.SUBSCRIPTION_VERSIONS, MartTables.MRR_LEDGER_ACCOUNT,
        MartTables.CHURN_EVENTS)
        .writing(MartTables.ACCOUNT_STATUS);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    ArrTiers.from(config);
    LicensedSeats.products(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    ArrTiers tiers = ArrTiers.from(run.config());
    Dataset<Row> crm = DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.CRM_ACCOUNTS);
    Dataset<Row> versions = DeltaIO.read(spark, run.lake(), StagedTables.SUBSCRIPTION_VERSIONS);
    Dataset<Row> ledger = DeltaIO.read(spark, run.lake(), MartTables.MRR_LEDGER_ACCOUNT);
    Dataset<Row> events = DeltaIO.read(spark, run.lake(), MartTables.CHURN_EVENTS);
    Dataset<Row> status = AccountStatus.apply(crm, versions, ledger, events, run.runDate(), tiers,
        LicensedSeats.products(run.config())).cache();
    try {
      gate(status, ledger, run.runDate()).enforce(status);
      DeltaIO.replaceWhere(spark, run.lake(), MartTables.ACCOUNT_STATUS, status,
          "snapshot_date = DATE'" + run.runDate() + "'");
      long rows = status.count();
      long customers = status.where(col("lifecycle_status").equalTo("customer")).count();
      return new StageResult(versions.count(), rows, 0,
          rows + " accounts on " + run.runDate() + ", " + customers + " customers");
    } finally {
      status.unpersist();
    }
  }

  /** The checks; the ledger total is computed first, so the gate compares two numbers per row. */
  static QualityGate gate(Dataset<Row> status, Dataset<Row> accountLedger, java.time.LocalDate runDate) {
    long accounts = status.count();
    long distinct = status.select("account_id").distinct().count();
    java.math.BigDecimal ledgerMrr = accountLedger
        .where(col("month").equalTo(lit(java.sql.Date.valueOf(runDate.withDayOfMonth(1)))))
        .agg(org.apache.spark.sql.functions.sum("end_mrr")).first().getDecimal(0);
    java.math.BigDecimal snapshotMrr = status.agg(org.apache.spark.sql.functions.sum("mrr")).first().getDecimal(0);
    boolean mrrDiffers = (ledgerMrr == null ? java.math.BigDecimal.ZERO : ledgerMrr)
        .compareTo(snapshotMrr == null ? java.math.BigDecimal.ZERO : snapshotMrr) != 0;
    return QualityGate.on(MartTables.ACCOUNT_STATUS.qualifiedName())
        .error("not_one_row_per_account", lit(accounts != distinct))
        .error("customer_iff_mrr", col("lifecycle_status").equalTo("customer").notEqual(col("mrr").gt(0)))
        .error("tier_iff_customer", col("arr_tier").isNotNull().notEqual(col("lifecycle_status").equalTo("customer")))
        .error("mrr_differs_from_ledger", lit(mrrDiffers))
        .warning("customer_without_seats", col("lifecycle_status").equalTo("customer").and(col("seats").isNull()));
  }
}
