package io.churnscope.common.schema;

import static io.churnscope.common.schema.Columns.required;
import static io.churnscope.common.schema.Columns.schema;
import static io.churnscope.common.schema.StagedTables.MONEY;
import static io.churnscope.common.schema.Columns.optional;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
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
          + "before subscriptions.stick-point-days of tenure) or established.")),
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
      optional("quick_ratio", RATIO, "(new + reactivation + expansion + cross_sell) / (contraction + churn); null when nothing was lost.")),
      List.of(), "Churn levers per month, each its own column (never one blended net churn), with GRR, NRR and quick ratio beside them.");

  private static StructField[] withMovements(StructField... keys) {
    List<StructField> all = new ArrayList<>(List.of(keys));
    all.addAll(MRR_MOVEMENTS);
    return all.toArray(StructField[]::new);
  }

  public static final List<TableSpec> ALL = List.of(MRR_LEDGER, MRR_LEDGER_ACCOUNT, CHURN_EVENTS, CHURN_METRICS);
}
