package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Each subscription's recurring revenue in force at the end of each month, in its own currency.
 *
 * <p>Input: {@code staged.subscription_versions}. Output: one row per subscription and month, from
 * the month of its first version to the run date's month: {@code subscription_id, account_id,
 * product, month, as_of_date, currency, period_amount, interval_months}; the subscription's MRR in
 * its currency is {@code period_amount / interval_months} (divided only after conversion, so
 * rounding happens once, in the base currency).
 *
 * <ul>
 *   <li>{@code as_of_date} is the month's last day, or the run date in the run's own month;</li>
 *   <li>the version in force is the one with the latest {@code effective_date} (then the highest
 *       version) on or before {@code as_of_date};</li>
 *   <li>{@code period_amount} = the version's amount, {@code interval_months} = 1 (month) or 12 (year), when it is
 *       {@code active} or {@code past_due}, has started and has not ended ({@code ended_at} after
 *       {@code as_of_date}); otherwise 0. Trials ({@code trialing}) and canceled versions are not
 *       MRR; a free (zero-amount) plan is MRR 0.</li>
 * </ul>
 * Account and product are the subscription's latest version's, so each subscription stays on one
 * ledger row across months; the currency is the version in force's.
 */
public final class SubscriptionMonthEnd {
  private SubscriptionMonthEnd() {}

  public static Dataset<Row> apply(Dataset<Row> versions, LocalDate runDate) {
    Dataset<Row> known = versions.where(col("effective_date").leq(lit(Date.valueOf(runDate))));
    Column runMonth = lit(Date.valueOf(runDate.withDayOfMonth(1)));
    Dataset<Row> grid = known.groupBy("subscription_id")
        .agg(min(trunc(col("effective_date"), "month")).as("first_month"),
            max_by(struct(col("account_id"), col("product")), struct(col("effective_date"), col("version"))).as("latest"))
        .select(col("subscription_id"), col("latest.account_id").as("account_id"), col("latest.product").as("product"),
            explode(sequence(col("first_month"), runMonth, expr("INTERVAL 1 MONTH"))).as("month"))
        .withColumn("as_of_date", least(last_day(col("month")), lit(Date.valueOf(runDate))));

    Dataset<Row> inForce = grid.join(known.select(col("subscription_id").as("v_subscription_id"), col("effective_date"),
            col("version"), col("status"), col("billing_interval"), col("amount"), col("currency"), col("start_date"),
            col("ended_at")),
            col("v_subscription_id").equalTo(col("subscription_id")).and(col("effective_date").leq(col("as_of_date"))))
        .groupBy("subscription_id", "account_id", "product", "month", "as_of_date")
        .agg(max_by(struct(col("status"), col("billing_interval"), col("amount"), col("currency"), col("start_date"),
            col("ended_at")), struct(col("effective_date"), col("version"))).as("v"));

    Column paying = col("v.status").isin("active", "past_due")
        .and(col("v.start_date").leq(col("as_of_date")))
        .and(col("v.ended_at").isNull().or(col("v.ended_at").gt(col("as_of_date"))));
    Column months = when(col("v.billing_interval").equalTo("year"), lit(12)).otherwise(lit(1));
    return inForce.select(col("subscription_id"), col("account_id"), col("product"), col("month"), col("as_of_date"),
        col("v.currency").as("currency"),
        when(paying, col("v.amount").cast("decimal(18,4)")).otherwise(lit(0).cast("decimal(18,4)")).as("period_amount"),
        months.as("interval_months"));
  }
}
