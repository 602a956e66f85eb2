package io.churnscope.common.schema;

import static io.churnscope.common.schema.Columns.required;
import static io.churnscope.common.schema.Columns.schema;
import static io.churnscope.common.schema.StagedTables.MONEY;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.StringType;

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

  private static StructField[] withMovements(StructField... keys) {
    List<StructField> all = new ArrayList<>(List.of(keys));
    all.addAll(MRR_MOVEMENTS);
    return all.toArray(StructField[]::new);
  }

  public static final List<TableSpec> ALL = List.of(MRR_LEDGER, MRR_LEDGER_ACCOUNT);
}
