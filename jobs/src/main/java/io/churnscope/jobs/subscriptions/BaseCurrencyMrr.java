package io.churnscope.jobs.subscriptions;

import static io.churnscope.common.schema.StagedTables.MONEY;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * A subscription's MRR in the base currency, month by month, with the FX movement apart.
 *
 * <p>Input: {@link SubscriptionMonthEnd}'s rows (dense: every month from the first) and
 * {@link MonthStartRates}. Output adds, all {@code DECIMAL(18,4)}:
 * <ul>
 *   <li>{@code end_mrr} = round(period_amount × this month's rate ÷ interval_months, 4);</li>
 *   <li>{@code start_mrr} = last month's {@code end_mrr} (0 in the first month);</li>
 *   <li>{@code start_mrr_at_rate} = last month's amount converted at <em>this</em> month's rate;</li>
 *   <li>{@code fx_mrr} = {@code start_mrr_at_rate − start_mrr}.</li>
 * </ul>
 * A paying subscription whose currency has no rate gets a null {@code end_mrr} (or
 * {@code start_mrr_at_rate}): the ledger's gate refuses it.
 */
public final class BaseCurrencyMrr {
  private BaseCurrencyMrr() {}

  public static Dataset<Row> apply(Dataset<Row> subscriptionMonths, Dataset<Row> rates) {
    WindowSpec bySubscription = Window.partitionBy("subscription_id").orderBy("month");
    Dataset<Row> withPrevious = subscriptionMonths
        .withColumn("prev_amount", coalesce(lag(col("period_amount"), 1).over(bySubscription), lit(0).cast(MONEY)))
        .withColumn("prev_months", coalesce(lag(col("interval_months"), 1).over(bySubscription), lit(1)))
        .withColumn("prev_currency", coalesce(lag(col("currency"), 1).over(bySubscription), col("currency")));
    Dataset<Row> rateNow = rates.select(col("month").as("r_month"), col("currency").as("r_currency"),
        col("rate_to_base").as("rate"));
    Dataset<Row> ratePrevCurrency = rates.select(col("month").as("p_month"), col("currency").as("p_currency"),
        col("rate_to_base").as("rate_prev_currency"));
    Dataset<Row> converted = withPrevious
        .join(rateNow, col("r_month").equalTo(col("month")).and(col("r_currency").equalTo(col("currency"))), "left")
        .join(ratePrevCurrency, col("p_month").equalTo(col("month")).and(col("p_currency").equalTo(col("prev_currency"))), "left")
        .withColumn("end_mrr", toBase(col("period_amount"), col("rate"), col("interval_months")))
        .withColumn("start_mrr_at_rate", toBase(col("prev_amount"), col("rate_prev_currency"), col("prev_months")));
    return converted
        .withColumn("start_mrr", coalesce(lag(col("end_mrr"), 1).over(bySubscription), lit(0).cast(MONEY)))
        .withColumn("fx_mrr", col("start_mrr_at_rate").minus(col("start_mrr")).cast(MONEY))
        .select("subscription_id", "account_id", "product", "month", "as_of_date", "currency",
            "start_mrr", "start_mrr_at_rate", "fx_mrr", "end_mrr");
  }

  /**
   * round(amount × rate ÷ months, 4). The product of DECIMAL(18,4) and DECIMAL(19,10) is exact
   * (DECIMAL(38,14)); dividing last keeps the one rounding at the end. Zero needs no rate.
   */
  static Column toBase(Column amount, Column rate, Column months) {
    Column exact = amount.cast("decimal(18,4)").multiply(rate.cast("decimal(19,10)"));
    return when(amount.equalTo(0), lit(0).cast(MONEY))
        .otherwise(round(exact.divide(months.cast("decimal(2,0)")), 4).cast(MONEY));
  }
}
