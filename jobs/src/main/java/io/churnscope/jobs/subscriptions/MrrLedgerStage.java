package io.churnscope.jobs.subscriptions;

import io.churnscope.common.run.DataFlow;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code mrr-ledger}: {@code staged.subscription_versions} and {@code staged.fx_rates} →
 * {@code marts.mrr_ledger} (account × product × month) and {@code marts.mrr_ledger_account}
 * (account × month), every month from the first subscription version to the run date's month.
 *
 * <p>Recomputed in full and overwritten on every run (the ledger is accounts × months, small), so a
 * re-run gives the same tables. Before anything is written, quality gates check the identity on
 * every row of both grains and on every month's total, and that every paying subscription could
 * be converted to the base currency; a violation fails the stage and leaves the published tables
 * as they were. Definitions: {@code docs/subscriptions.md}.
 *
 * <p>Configuration: {@code base-currency}, {@code subscriptions.reactivation-window-months}.
 */
public final class MrrLedgerStage implements Stage {
  @Override
  public String name() {
    return "mrr-ledger";
  }

  @Override
  public String description() {
    return "staged subscriptions and FX → marts.mrr_ledger, marts.mrr_ledger_account";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(StagedTables.SUBSCRIPTION_VERSIONS, StagedTables.FX_RATES)
        .writing(MartTables.MRR_LEDGER, MartTables.MRR_LEDGER_ACCOUNT);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    SubscriptionSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    validate(run.config());
    SubscriptionSettings settings = SubscriptionSettings.from(run.config());
    String base = settings.baseCurrency();
    int window = settings.reactivationWindowMonths();
    Dataset<Row> versions = DeltaIO.read(spark, run.lake(), StagedTables.SUBSCRIPTION_VERSIONS);
    // A lake without FX rates (a USD-only source) is fine; a foreign currency without a rate still fails the gate.
    Dataset<Row> fx = DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.FX_RATES);

    Ledger ledger = compute(versions, fx, run.runDate(), base, window);
    try {
      ledger.enforceGates();
      DeltaIO.overwrite(spark, run.lake(), MartTables.MRR_LEDGER, ledger.products());
      DeltaIO.overwrite(spark, run.lake(), MartTables.MRR_LEDGER_ACCOUNT, ledger.accounts());
      long rows = ledger.products().count() + ledger.accounts().count();
      return new StageResult(versions.count(), rows, 0,
          "MRR ledger in " + base + ": " + rows + " rows through " + run.runDate().withDayOfMonth(1));
    } finally {
      ledger.unpersist();
    }
  }

  /** The ledger of both grains, cached: the gates and the writes read it more than once. */
  public record Ledger(Dataset<Row> subscriptions, Dataset<Row> products, Dataset<Row> accounts) {
    public void enforceGates() {
      LedgerChecks.conversion("subscription MRR").enforce(subscriptions);
      LedgerChecks.ledger(MartTables.MRR_LEDGER.qualifiedName()).enforce(products);
      LedgerChecks.ledger(MartTables.MRR_LEDGER_ACCOUNT.qualifiedName()).enforce(accounts);
      LedgerChecks.ledger(MartTables.MRR_LEDGER.qualifiedName() + " month totals").enforce(monthTotals(products));
    }

    void unpersist() {
      subscriptions.unpersist();
      products.unpersist();
      accounts.unpersist();
    }
  }

  public static Ledger compute(Dataset<Row> versions, Dataset<Row> fx, java.time.LocalDate runDate, String base,
      int reactivationWindowMonths) {
    Dataset<Row> subscriptionMonths = SubscriptionMonthEnd.apply(versions, runDate).cache();
    Dataset<Row> rates = MonthStartRates.apply(fx, subscriptionMonths.select("month").distinct(), base);
    Dataset<Row> subscriptionMrr = BaseCurrencyMrr.apply(subscriptionMonths, rates).cache();
    Dataset<Row> products = MrrMovements.apply(subscriptionMrr, reactivationWindowMonths).cache();
    Dataset<Row> accounts = AccountLedger.apply(products).cache();
    subscriptionMonths.unpersist();
    return new Ledger(subscriptionMrr, products, accounts);
  }

  /** Each money column summed by month. */
  public static Dataset<Row> monthTotals(Dataset<Row> ledger) {
    List<Column> sums = MartTables.MRR_MOVEMENTS.stream().map(f -> sum(f.name()).as(f.name())).toList();
    return ledger.groupBy(col("month")).agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
  }
}
