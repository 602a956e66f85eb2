package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trunc;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Which accounts are up for renewal in each month: the renewal pool.
 *
 * <p>A subscription paying at the start of a month (MRR at the previous month's end) renews that
 * month if it is monthly, or if it is annual and the month is an anniversary of its first paid
 * month (the trial's end, else its start date). An account is in the pool when one of its
 * subscriptions renews. Churn of an account outside the pool is a cancellation between renewals
 * (an annual plan canceled mid-term).
 *
 * <p>Input: {@link SubscriptionMonthEnd}'s rows and {@code staged.subscription_versions}.
 * Output: {@code account_id, month, in_renewal_pool} for every account with a paying subscription
 * at the month's start.
 */
public final class RenewalPool {
  private RenewalPool() {}

  public static Dataset<Row> apply(Dataset<Row> subscriptionMonths, Dataset<Row> versions) {
    Dataset<Row> anchors = versions.groupBy("subscription_id")
        .agg(max_by(struct(col("trial_end"), col("start_date")), struct(col("effective_date"), col("version"))).as("v"))
        .select(col("subscription_id").as("a_subscription_id"),
            trunc(coalesce(col("v.trial_end"), col("v.start_date")), "month").as("anchor_month"));
    Column payingAtStart = coalesce(lag(col("period_amount"), 1).over(
        Window.partitionBy("subscription_id").orderBy("month")), lit(0)).gt(0);
    Column previousInterval = coalesce(lag(col("interval_months"), 1).over(
        Window.partitionBy("subscription_id").orderBy("month")), col("interval_months"));
    Column monthsSinceAnchor = Months.index(col("month")).minus(Months.index(col("anchor_month")));
    return subscriptionMonths
        .withColumn("paying_at_start", payingAtStart)
        .withColumn("previous_interval", previousInterval)
        .where(col("paying_at_start"))
        .join(anchors, col("a_subscription_id").equalTo(col("subscription_id")), "left")
        .withColumn("renews", col("previous_interval").equalTo(1)
            .or(coalesce(pmod(monthsSinceAnchor, lit(12)).equalTo(0), lit(false))))
        .groupBy("account_id", "month")
        .agg(max(col("renews")).as("in_renewal_pool"));
  }
}
