package io.churnscope.jobs.subscriptions;

import static io.churnscope.common.schema.StagedTables.MONEY;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Adds {@code refunded_amount} to churn events: the account's refund invoices dated within
 * {@code windowDays} of the churn date (before it — a refund at the cancellation request — or
 * after it), converted to the base currency at the churn month's start rate (the rate of
 * {@code lost_mrr}), round-half-up to 4 decimals per invoice. A refund near two churns of the same
 * account goes to the nearer one (then the earlier), so no refund is counted twice. Refunds are
 * cash, not MRR: the ledger never reads invoices, so refunds (and prorations) cannot move MRR.
 *
 * <p>A refund whose currency has no rate that month gets a null amount, which the stage's gate
 * refuses rather than dropping money.
 */
public final class ChurnRefunds {
  private ChurnRefunds() {}

  /**
   * @param events {@link ChurnEvents}'s rows
   * @param invoices {@code staged.invoices}
   * @param rates {@link MonthStartRates}'s rows covering the events' months
   */
  public static Dataset<Row> apply(Dataset<Row> events, Dataset<Row> invoices, Dataset<Row> rates, int windowDays) {
    Dataset<Row> refunds = invoices.where(col("kind").equalTo("refund"))
        .select(col("invoice_id"), col("account_id").as("i_account_id"), col("invoice_date"), col("amount"),
            col("currency"));
    Dataset<Row> nearest = events.select(col("account_id"), col("month"), col("churn_date"))
        .join(refunds, col("i_account_id").equalTo(col("account_id"))
            .and(abs(datediff(col("invoice_date"), col("churn_date"))).leq(windowDays)))
        .withColumn("rank", row_number().over(Window.partitionBy("invoice_id")
            .orderBy(abs(datediff(col("invoice_date"), col("churn_date"))), col("churn_date"))))
        .where(col("rank").equalTo(1));
    Dataset<Row> converted = nearest
        .join(rates.select(col("month").as("r_month"), col("currency").as("r_currency"), col("rate_to_base")),
            col("r_month").equalTo(col("month")).and(col("r_currency").equalTo(col("currency"))), "left")
        .withColumn("base_amount", round(col("amount").cast("decimal(18,4)")
            .multiply(col("rate_to_base").cast("decimal(19,10)")), 4).cast(MONEY));
    // sum() skips nulls, so a missing rate is carried as a flag the gate can see.
    Dataset<Row> perEvent = converted.groupBy(col("account_id").as("f_account_id"), col("month").as("f_month"))
        .agg(sum("base_amount").cast(MONEY).as("refunded"),
            org.apache.spark.sql.functions.count_if(col("base_amount").isNull()).as("unconverted_refunds"));
    return events.join(perEvent, col("f_account_id").equalTo(col("account_id")).and(col("f_month").equalTo(col("month"))),
            "left")
        .withColumn("refunded_amount", org.apache.spark.sql.functions
            .when(coalesce(col("unconverted_refunds"), lit(0L)).gt(0), lit(null).cast(MONEY))
            .otherwise(coalesce(col("refunded"), lit(0).cast(MONEY))))
        .drop("f_account_id", "f_month", "refunded", "unconverted_refunds");
  }
}
