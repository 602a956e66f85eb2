package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_date;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.churnscope.jobs.subscriptions.CustomerSpells;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The nightly hot-spot population: one row per account and month in the renewal pool (as
 * {@code marts.churn_metrics} counts it: MRR at the month's start and a subscription renewing that
 * month, {@link io.churnscope.jobs.subscriptions.RenewalPool}) over the last {@code poolMonths}
 * complete months before the run date. Trials have no MRR, so they never enter.
 *
 * <p>Output: {@code account_id, month, churned} (the ledger's churn that month: logo churn at the
 * renewal), {@code event_date} (the churn date; for a renewal, the month's anniversary of the
 * account's first paid day), {@code lookback_date} = event_date − lookback days (where the
 * dimensions are measured, never on the day of churn), {@code churn_kind} ({@code early} or
 * {@code established}: a churn's own {@code churn_stage}; a renewal's tenure at its date against the
 * stick point) and {@code mrr_at_risk} (start MRR, base currency).
 */
public final class RenewalPopulation {
  private RenewalPopulation() {}

  /** The last month the run date has completed: its own month on its last day, else the one before. */
  static LocalDate lastCompleteMonth(LocalDate runDate) {
    LocalDate month = runDate.withDayOfMonth(1);
    return runDate.equals(runDate.withDayOfMonth(runDate.lengthOfMonth())) ? month : month.minusMonths(1);
  }

  /**
   * @param accountLedger {@code marts.mrr_ledger_account}
   * @param churnEvents {@code marts.churn_events}
   * @param renewalPool {@link io.churnscope.jobs.subscriptions.RenewalPool}'s rows
   * @param versions {@code staged.subscription_versions} (first paid days, spells)
   */
  public static Dataset<Row> apply(Dataset<Row> accountLedger, Dataset<Row> churnEvents, Dataset<Row> renewalPool,
      Dataset<Row> versions, LocalDate runDate, int poolMonths, int lookbackDays, int stickPointDays) {
    LocalDate last = lastCompleteMonth(runDate);
    Column inWindow = col("month").between(lit(Date.valueOf(last.minusMonths(poolMonths - 1L))), lit(Date.valueOf(last)));
    Dataset<Row> pool = renewalPool.where(col("in_renewal_pool").and(inWindow))
        .select(col("account_id").as("r_account_id"), col("month").as("r_month"));
    Dataset<Row> events = churnEvents.select(col("account_id").as("e_account_id"), col("month").as("e_month"),
        col("churn_date"), col("churn_stage"));
    // The day of the month the account renews on: its earliest first paid day (trial end, else start).
    Dataset<Row> anchors = versions.where(col("status").isin("active", "past_due").and(col("amount").gt(0)))
        .groupBy(col("account_id").as("a_account_id"))
        .agg(min(dayofmonth(coalesce(col("trial_end"), col("start_date")))).as("anchor_day"));
    Column renewalDay = make_date(year(col("month")), month(col("month")),
        least(coalesce(col("anchor_day"), lit(1)), dayofmonth(last_day(col("month")))));
    Dataset<Row> renewals = accountLedger.where(inWindow.and(col("start_mrr").gt(0)))
        .join(pool, col("r_account_id").equalTo(col("account_id")).and(col("r_month").equalTo(col("month"))))
        .join(events, col("e_account_id").equalTo(col("account_id")).and(col("e_month").equalTo(col("month"))), "left")
        .join(anchors, col("a_account_id").equalTo(col("account_id")), "left")
        .select(col("account_id"), col("month"), col("churn_mrr").gt(0).as("churned"),
            when(col("churn_mrr").gt(0), col("churn_date")).otherwise(renewalDay).as("event_date"),
            col("churn_stage"), col("start_mrr").cast("double").as("mrr_at_risk"));
    Dataset<Row> spells = CustomerSpells.at(versions, churnEvents,
            renewals.select(col("account_id"), col("event_date").as("as_of_date")))
        .select(col("account_id").as("s_account_id"), col("as_of_date").as("s_date"), col("spell_start"));
    Column renewalKind = when(datediff(col("event_date"), col("spell_start")).lt(stickPointDays), lit("early"))
        .otherwise(lit("established"));
    return renewals
        .join(spells, col("s_account_id").equalTo(col("account_id")).and(col("s_date").equalTo(col("event_date"))), "left")
        .select(col("account_id"), col("month"), col("churned"), col("event_date"),
            date_sub(col("event_date"), lookbackDays).as("lookback_date"),
            when(col("churned"), col("churn_stage")).otherwise(renewalKind).as("churn_kind"),
            col("mrr_at_risk"));
  }
}
