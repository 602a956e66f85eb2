package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Every churned account: one row per {@code marts.mrr_ledger_account} row with churn MRR (the
 * account's MRR fell to zero that month), with the day, the reason and whether it was early churn.
 *
 * <ul>
 *   <li>{@code churn_date}: the latest day in the month on which one of the account's subscriptions
 *       stopped paying — a version's {@code ended_at}, or the effective date of a version that does
 *       not pay (canceled, or a free plan); the reason is that version's {@code cancel_reason}.</li>
 *   <li>{@code reason}: lower-cased; empty or missing becomes {@code unknown}, never dropped.
 *       {@code reason_group}: {@code unavoidable} for out_of_business and acquired, {@code unknown}
 *       for unknown, {@code avoidable} otherwise.</li>
 *   <li>{@code customer_since}: the first effective day of a paying version (active or past_due,
 *       amount &gt; 0) after the account's previous churn; early churn if the cancellation was asked
 *       for within {@code refundWindowDays} of it, or the tenure is under {@code stickPointDays}.</li>
 * </ul>
 */
public final class ChurnEvents {
  public static final java.util.List<String> UNAVOIDABLE = java.util.List.of("out_of_business", "acquired");

  private ChurnEvents() {}

  public static Dataset<Row> apply(Dataset<Row> accountLedger, Dataset<Row> versions, int refundWindowDays,
      int stickPointDays) {
    Dataset<Row> churned = accountLedger.where(col("churn_mrr").gt(0))
        .select(col("account_id"), col("month"), col("as_of_date"), col("churn_mrr").as("lost_mrr"));

    Column paying = col("status").isin("active", "past_due").and(col("amount").gt(0));
    Dataset<Row> stops = versions
        .withColumn("stop_day", coalesce(col("ended_at"), when(paying.unary_$bang(), col("effective_date"))))
        .where(col("stop_day").isNotNull())
        .select(col("account_id").as("s_account_id"), col("stop_day"), col("version"), col("cancel_reason"),
            col("cancel_requested_at"));
    Dataset<Row> withStop = churned.join(stops, col("s_account_id").equalTo(col("account_id"))
            .and(col("stop_day").between(col("month"), col("as_of_date"))), "left")
        .groupBy("account_id", "month", "lost_mrr")
        .agg(max_by(struct(col("stop_day"), col("cancel_reason"), col("cancel_requested_at")),
            struct(col("stop_day"), col("version"))).as("last_stop"))
        .select(col("account_id"), col("month"), col("lost_mrr"),
            coalesce(col("last_stop.stop_day"), col("month")).as("churn_date"),
            coalesce(nullif(lower(trim(col("last_stop.cancel_reason"))), lit("")), lit("unknown")).as("reason"),
            col("last_stop.cancel_requested_at").as("cancel_requested_at"))
        .withColumn("previous_churn_date",
            lag(col("churn_date"), 1).over(Window.partitionBy("account_id").orderBy("churn_date")));

    Dataset<Row> payingDays = versions.where(paying)
        .select(col("account_id").as("p_account_id"), col("effective_date").as("paying_from"));
    Dataset<Row> withSince = withStop.join(payingDays, col("p_account_id").equalTo(col("account_id"))
            .and(col("paying_from").leq(col("churn_date")))
            .and(col("previous_churn_date").isNull().or(col("paying_from").gt(col("previous_churn_date")))), "left")
        .groupBy("account_id", "month", "lost_mrr", "churn_date", "reason", "cancel_requested_at")
        .agg(min("paying_from").as("customer_since"));

    Column tenure = datediff(col("churn_date"), col("customer_since"));
    Column early = tenure.lt(stickPointDays)
        .or(datediff(col("cancel_requested_at"), col("customer_since")).leq(refundWindowDays));
    return withSince.select(col("account_id"), col("month"), col("churn_date"), col("lost_mrr"), col("reason"),
        when(col("reason").isin(UNAVOIDABLE.toArray()), "unavoidable")
            .when(col("reason").equalTo("unknown"), "unknown").otherwise("avoidable").as("reason_group"),
        col("customer_since"), tenure.as("tenure_days"), col("cancel_requested_at"),
        when(coalesce(early, lit(false)), "early").otherwise("established").as("churn_stage"));
  }
}
