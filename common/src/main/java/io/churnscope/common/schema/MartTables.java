package io.churnscope.common.schema;

import static io.churnscope.common.schema.Columns.required;
import static io.churnscope.common.schema.Columns.schema;
import static io.churnscope.common.schema.StagedTables.MONEY;
import static io.churnscope.common.schema.Columns.optional;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createDecimalType;

import io.churnscope.common.lake.TableSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.StructField;

/**
 * The marts zone: metrics computed from the staged tables. Money columns are in the base
 * currency ({@code base-currency}), {@link StagedTables#MONEY}. See {@code docs/subscriptions.md}
 * for the definitions.
 */
public final class MartTables {
  public static final String ZONE = "marts";

  private MartTables() {}

  /** The MRR columns shared by both ledger grains; the identity reads left to right. */
  public static final List<StructField> MRR_MOVEMENTS = List.of(
      required("start_mrr", MONEY, "MRR at the end of the previous month, at the previous month's FX rate."),
      required("new_mrr", MONEY, "MRR of an account that had none at the start of the month and was never a customer, "
          + "or came back after more than subscriptions.reactivation-window-months."),
      required("reactivation_mrr", MONEY, "MRR of a former customer back within subscriptions.reactivation-window-months of the month it churned."),
      required("expansion_mrr", MONEY, "Increase of MRR on a product the account already paid for (up-sell: seats, plan, price)."),
      required("cross_sell_mrr", MONEY, "MRR of a product new to an account that paid for another product at the start of the month."),
      required("contraction_mrr", MONEY, "Decrease of MRR (down-sell), including a product dropped by an account that keeps paying for another; positive."),
      required("churn_mrr", MONEY, "MRR lost by an account whose MRR fell to zero this month, at this month's FX rate; positive."),
      required("fx_mrr", MONEY, "FX movement: start MRR at this month's rate minus start MRR at last month's rate."),
      required("end_mrr", MONEY, "MRR in force at the month's as_of_date, at this month's FX rate. "
          + "start + new + reactivation + expansion + cross_sell - contraction - churn + fx = end."));

  public static final TableSpec MRR_LEDGER = new TableSpec(ZONE, "mrr_ledger", schema(withMovements(
      required("month", DateType, "First day of the month."),
      required("as_of_date", DateType, "Day the end-of-month MRR is measured: the month's last day, or the run date for the run's own (incomplete) month."),
      required("account_id", StringType, "Account."),
      required("product", StringType, "Product (core or an add-on)."))),
      List.of(), "MRR ledger, account x product x month, in the base currency: start, movements and end MRR. "
          + "A row exists for each month in which the product had MRR at the start or at the end.");

  public static final TableSpec MRR_LEDGER_ACCOUNT = new TableSpec(ZONE, "mrr_ledger_account", schema(withMovements(
      required("month", DateType, "First day of the month."),
      required("as_of_date", DateType, "Day the end-of-month MRR is measured (see marts.mrr_ledger)."),
      required("account_id", StringType, "Account."))),
      List.of(), "MRR ledger rolled up to account x month: the sum of the account's marts.mrr_ledger rows.");

  /** A ratio such as a churn rate or NRR: 0.051234 is 5.1234 %. */
  public static final org.apache.spark.sql.types.DataType RATIO = createDecimalType(18, 6);

  public static final TableSpec CHURN_EVENTS = new TableSpec(ZONE, "churn_events", schema(
      required("account_id", StringType, "Account that churned: its MRR fell to zero."),
      required("month", DateType, "Month of the churn (marts.mrr_ledger_account row with churn_mrr > 0)."),
      required("churn_date", DateType, "Day the account's last paying subscription stopped: its ended_at, or the day a non-paying version took effect."),
      required("lost_mrr", MONEY, "MRR lost, in the base currency at the month's rate (the ledger's churn_mrr)."),
      required("reason", StringType, "Cancel reason of the subscription that stopped last; 'unknown' when the source gave none."),
      required("reason_group", StringType, "unavoidable (out_of_business, acquired), avoidable (any other reason) or unknown."),
      optional("customer_since", DateType, "First paid day of the paying spell that ended (after the account's previous churn, if any)."),
      optional("tenure_days", IntegerType, "Days from customer_since to churn_date."),
      optional("cancel_requested_at", DateType, "Day the cancellation was asked for, if known."),
      required("churn_stage", StringType, "early (canceled within subscriptions.refund-window-days of customer_since, or churned "
          + "before subscriptions.stick-point-days of tenure) or established."),
      required("refunded_amount", MONEY, "Refund invoices of the account dated within subscriptions.refund-window-days of churn_date "
          + "(before or after), in the base currency at the churn month's start rate; 0 if none. Not MRR.")),
      List.of(), "Every churned account, one row per churn (an account that comes back and leaves again has two).");

  public static final TableSpec CHURN_METRICS = new TableSpec(ZONE, "churn_metrics", schema(
      required("month", DateType, "First day of the month."),
      required("customers_start", LongType, "Accounts with MRR at the start of the month (the logo base of the period)."),
      required("churned_accounts", LongType, "Accounts whose MRR fell to zero this month (logo churn)."),
      required("early_churned_accounts", LongType, "Of which early churn (see marts.churn_events.churn_stage)."),
      required("established_churned_accounts", LongType, "Of which established churn."),
      required("renewal_pool_accounts", LongType, "Accounts up for renewal this month: a monthly subscription, or an annual one at its anniversary month."),
      required("base_renewals", LongType, "Accounts of the renewal pool that did not churn."),
      required("churned_at_renewal", LongType, "Churned accounts that were in the renewal pool."),
      required("cancellations_between_renewals", LongType, "Churned accounts outside the renewal pool (an annual plan ended mid-term)."),
      required("renewal_churn_rate", RATIO, "churned_at_renewal / renewal_pool_accounts."),
      required("logo_churn_rate", RATIO, "churned_accounts / customers_start."),
      required("established_logo_churn_rate", RATIO, "established_churned_accounts / customers_start."),
      required("start_mrr_at_rate", MONEY, "Start MRR at this month's FX rate (start_mrr + fx_mrr): the base of every revenue rate, so FX never moves a rate."),
      required("new_mrr", MONEY, "New MRR."),
      required("reactivation_mrr", MONEY, "Reactivation MRR."),
      required("expansion_mrr", MONEY, "Up-sell MRR."),
      required("cross_sell_mrr", MONEY, "Cross-sell MRR."),
      required("contraction_mrr", MONEY, "Down-sell MRR."),
      required("churn_mrr", MONEY, "Churned MRR."),
      required("early_churn_mrr", MONEY, "Churned MRR of early churn."),
      required("revenue_churn_rate", RATIO, "churn_mrr / start_mrr_at_rate."),
      required("contraction_rate", RATIO, "contraction_mrr / start_mrr_at_rate."),
      required("expansion_rate", RATIO, "expansion_mrr / start_mrr_at_rate."),
      required("cross_sell_rate", RATIO, "cross_sell_mrr / start_mrr_at_rate."),
      optional("grr", RATIO, "Gross revenue retention: (start_at_rate - contraction - churn) / start_at_rate; null without a base."),
      optional("nrr", RATIO, "Net revenue retention: (start_at_rate + expansion + cross_sell - contraction - churn) / start_at_rate."),
      optional("quick_ratio", RATIO, "(new + reactivation + expansion + cross_sell) / (contraction + churn); null when nothing was lost."),
      required("refunded_accounts", LongType, "Churned accounts of the month that were refunded (marts.churn_events.refunded_amount > 0)."),
      required("refunded_amount", MONEY, "Money refunded to the month's churned accounts (sum of marts.churn_events.refunded_amount); "
          + "cash, not MRR: beside revenue churn, never in it.")),
      List.of(), "Churn levers per month, each its own column (never one blended net churn), with GRR, NRR and quick ratio beside them.");

  // --- Subscriptions, issue 4 (second part): account status, trial conversion, cohort retention. ---

  public static final TableSpec ACCOUNT_STATUS = new TableSpec(ZONE, "account_status", schema(
      required("snapshot_date", DateType, "Run date of the snapshot; the partition column (a re-run replaces its own date)."),
      required("account_id", StringType, "Account known to the CRM (created by the snapshot date) or to billing."),
      required("lifecycle_status", StringType, "customer (MRR > 0 at the snapshot date), early_churned or churned (by its latest churn "
          + "event's churn_stage), or prospect (never a customer: trial, free plan, or no paid subscription). Trials are prospects."),
      required("trial_status", StringType, "open (a trial in force), converted (paid after a trial), lapsed (trial over, never paid) or none."),
      optional("customer_since", DateType, "Customer: first paid day after its latest churn. Churned: that of the spell that ended."),
      optional("tenure_days", IntegerType, "Customer: days from customer_since to the snapshot date. Churned: days paid before the churn."),
      optional("last_churn_date", DateType, "Day of the account's latest churn (marts.churn_events), if any."),
      required("mrr", MONEY, "MRR at the snapshot date in the base currency (the run month's marts.mrr_ledger_account.end_mrr); 0 if none."),
      required("arr", MONEY, "12 x mrr."),
      optional("arr_tier", StringType, "Tier 1, Tier 2, ... by subscriptions.arr-tiers (highest threshold first); customers only."),
      optional("next_renewal_date", DateType, "Earliest next anniversary after the snapshot date of a paying subscription without a "
          + "scheduled end: monthly plans every month, annual every year, from the first paid day (trial end, else start)."),
      optional("scheduled_end_date", DateType, "When every paying subscription is set to end: the latest ended_at (the churn to come)."),
      required("past_due", BooleanType, "A subscription in force has status past_due."),
      optional("products", createArrayType(StringType), "Products paid for at the snapshot date, sorted; customers only."),
      optional("plans", createArrayType(StringType), "product:plan of the paying subscriptions, sorted; customers only."),
      optional("seats", IntegerType, "Licensed seats in force: quantity of the paying subscriptions of subscriptions.seat-products "
          + "(core), summed (the largest paying quantity when none of them pays); customers only. "
          + "marts.account_engagement.licensed_seats is the same number (one definition, LicensedSeats).")),
      List.of("snapshot_date"), "Where each account stands on the run date; one partition per snapshot date, so history accrues.");

  public static final TableSpec TRIAL_CONVERSION = new TableSpec(ZONE, "trial_conversion", schema(
      required("trial_month", DateType, "First day of the month the account's first trial started (the trial cohort)."),
      required("campaign", StringType, "Acquisition campaign from the CRM (latest row as of the run date); '(none)' if absent."),
      required("acquisition_channel", StringType, "Acquisition channel from the CRM (latest row as of the run date); 'unknown' if absent."),
      required("as_of_date", DateType, "Run date the outcomes are measured at."),
      required("trials_started", LongType, "Prospect trials started: accounts whose first trial started this month, not paying before it."),
      required("converted", LongType, "Of which the account first paid within subscriptions.trial-conversion-days of the trial's end."),
      required("lapsed", LongType, "Of which the conversion window passed without payment."),
      required("still_open", LongType, "Of which the trial or its conversion window is still running. trials_started = converted + lapsed + still_open."),
      required("conversion_rate", RATIO, "converted / trials_started."),
      optional("decided_conversion_rate", RATIO, "converted / (converted + lapsed): the rate among decided trials; null if none is decided.")),
      List.of(), "Trial conversion by trial cohort (month started x campaign x channel). Trials never enter churn metrics.");

  public static final TableSpec COHORT_RETENTION = new TableSpec(ZONE, "cohort_retention", schema(
      required("cohort_month", DateType, "First month with MRR at its end (first paid month) of the cohort's accounts."),
      required("months_since_start", IntegerType, "Months from cohort_month to month (0 = the start month)."),
      required("month", DateType, "First day of the measured month."),
      required("cohort_accounts", LongType, "Accounts in the cohort."),
      required("accounts_retained", LongType, "Of which with MRR at the month's end (logo retention; a returning account counts again)."),
      required("logo_retention", RATIO, "accounts_retained / cohort_accounts."),
      required("starting_mrr", MONEY, "The cohort's MRR at the end of its start month."),
      required("mrr_retained", MONEY, "The cohort's MRR at the month's end (incl. expansion, cross-sell, reactivation; at the month's FX rate)."),
      required("cumulative_fx_mrr", MONEY, "The cohort's FX movements since the start month (marts.mrr_ledger_account.fx_mrr summed)."),
      required("revenue_retention", RATIO, "(mrr_retained - cumulative_fx_mrr) / starting_mrr: NRR-style, incl. expansion, FX excluded.")),
      List.of(), "Logo and revenue retention by start-month cohort, from the MRR ledger.");

  private static StructField[] withMovements(StructField... keys) {
    List<StructField> all = new ArrayList<>(List.of(keys));
    all.addAll(MRR_MOVEMENTS);
    return all.toArray(StructField[]::new);
  }

  public static final List<TableSpec> ALL = List.of(MRR_LEDGER, MRR_LEDGER_ACCOUNT, CHURN_EVENTS, CHURN_METRICS,
      ACCOUNT_STATUS, TRIAL_CONVERSION, COHORT_RETENTION);
}
