package io.churnscope.jobs.subscriptions;

import static io.churnscope.common.schema.StagedTables.MONEY;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An account's subscriptions as they stood at the end of each key date, for the dated account
 * attributes (the cube's type-2 account dimension, the hot-spot look-back): MRR, plan, open trial and
 * the current customer spell. Same definitions as {@link AccountStatus}, which describes the run date
 * only: versions in force by {@link VersionsInForce}, spells by {@link CustomerSpells}.
 *
 * <p>Output, one row per distinct key ({@code account_id, as_of_date}):
 * <ul>
 *   <li>{@code mrr}: Σ over paying subscriptions in force of amount ÷ interval months, in the base
 *       currency at the rate of the date's month start ({@link MonthStartRates}, rounded as the
 *       ledger rounds: {@link BaseCurrencyMrr#toBase}); 0 when nothing pays. On a month's last day
 *       (and on the run date) it equals the ledger's {@code end_mrr}.</li>
 *   <li>{@code plan}: the plan of the paying subscription of a seat product (core) with the largest
 *       MRR; else of any paying subscription; null when nothing pays.</li>
 *   <li>{@code trial_open}: a trialing version in force whose trial has not ended.</li>
 *   <li>{@code last_churn_date}, {@code customer_since} (first paid day of the current spell, when
 *       paying) and {@code tenure_days} (to the date).</li>
 * </ul>
 */
public final class SubscriptionsAsOf {
  private SubscriptionsAsOf() {}

  public static Dataset<Row> at(Dataset<Row> versions, Dataset<Row> fxRates, Dataset<Row> churnEvents,
      Dataset<Row> keys, String baseCurrency, List<String> seatProducts) {
    Dataset<Row> dates = keys.select("account_id", "as_of_date").distinct();
    Dataset<Row> inForce = VersionsInForce.at(versions, dates)
        .withColumn("month", trunc(col("as_of_date"), "month"));
    Dataset<Row> rates = MonthStartRates.apply(fxRates, dates.select(trunc(col("as_of_date"), "month").as("month"))
        .distinct(), baseCurrency)
        .select(col("month").as("r_month"), col("currency").as("r_currency"), col("rate_to_base"));
    Column months = when(col("billing_interval").equalTo("year"), lit(12)).otherwise(lit(1));
    Column seatProduct = seatProducts.isEmpty() ? lit(true) : col("product").isin(seatProducts.toArray());
    Dataset<Row> paying = inForce.where(col("paying"))
        .join(rates, col("r_month").equalTo(col("month")).and(col("r_currency").equalTo(col("currency"))), "left")
        .withColumn("sub_mrr", BaseCurrencyMrr.toBase(col("amount"), col("rate_to_base"), months))
        // Seat products first, then the larger MRR: the account's plan is its core subscription's.
        .withColumn("plan_rank", when(seatProduct, lit(1_000_000_000L)).otherwise(lit(0L)).cast("decimal(28,4)")
            .plus(coalesce(col("sub_mrr"), lit(0))))
        .groupBy(col("account_id").as("m_account_id"), col("as_of_date").as("m_as_of_date"))
        .agg(sum("sub_mrr").cast(MONEY).as("mrr"), max_by(col("plan"), col("plan_rank")).as("plan"));
    Column live = col("ended_at").isNull().or(col("ended_at").gt(col("as_of_date")));
    Dataset<Row> trials = inForce
        .groupBy(col("account_id").as("t_account_id"), col("as_of_date").as("t_as_of_date"))
        .agg(max(col("status").equalTo("trialing").and(live)
            .and(col("trial_end").isNull().or(col("trial_end").gt(col("as_of_date"))))).as("trial_open"));
    Dataset<Row> spells = CustomerSpells.at(versions, churnEvents, dates);
    Column customer = col("mrr").gt(0);
    return spells
        .join(paying, col("m_account_id").equalTo(col("account_id")).and(col("m_as_of_date").equalTo(col("as_of_date"))), "left")
        .join(trials, col("t_account_id").equalTo(col("account_id")).and(col("t_as_of_date").equalTo(col("as_of_date"))), "left")
        .withColumn("mrr", coalesce(col("mrr"), lit(0)).cast(MONEY))
        .select(col("account_id"), col("as_of_date"), col("mrr"), when(customer, col("plan")).as("plan"),
            coalesce(col("trial_open"), lit(false)).as("trial_open"),
            col("last.churn_date").as("last_churn_date"),
            when(customer, col("spell_start")).as("customer_since"),
            when(customer, datediff(col("as_of_date"), col("spell_start"))).as("tenure_days"));
  }
}
