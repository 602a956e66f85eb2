package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where each account's current customer spell starts, on each key date: the latest churn event on
 * or before the date, and the first paid day after it (as {@link ChurnEvents} counts
 * {@code customer_since}). Shared by {@link AccountStatus} (one date) and the conformed account
 * attributes (many dates per account), so tenure means the same in both.
 *
 * <p>Input: {@code staged.subscription_versions}, {@code marts.churn_events} and keys
 * {@code account_id, as_of_date}. Output: one row per distinct key with {@code last} (struct
 * {@code churn_date, churn_stage, customer_since, tenure_days} of the latest churn, null if none)
 * and {@code spell_start} (first paying version's effective date after that churn and on or before
 * the date; null if the account never paid since).
 */
public final class CustomerSpells {
  private CustomerSpells() {}

  public static Dataset<Row> at(Dataset<Row> versions, Dataset<Row> churnEvents, Dataset<Row> keys) {
    Dataset<Row> dates = keys.select("account_id", "as_of_date").distinct();
    Dataset<Row> churns = churnEvents.select(col("account_id").as("e_account_id"), col("churn_date"),
        col("churn_stage"), col("customer_since"), col("tenure_days"));
    Dataset<Row> lastChurn = dates
        .join(churns, col("e_account_id").equalTo(col("account_id")).and(col("churn_date").leq(col("as_of_date"))), "left")
        .groupBy("account_id", "as_of_date")
        .agg(max_by(struct(col("churn_date"), col("churn_stage"), col("customer_since"), col("tenure_days")),
            col("churn_date")).as("last"));
    Dataset<Row> paidFrom = versions.where(VersionsInForce.payingVersion())
        .select(col("account_id").as("p_account_id"), col("effective_date").as("paying_from"));
    return lastChurn
        .join(paidFrom, col("p_account_id").equalTo(col("account_id"))
            .and(col("paying_from").leq(col("as_of_date")))
            .and(col("last.churn_date").isNull().or(col("paying_from").gt(col("last.churn_date")))), "left")
        .groupBy("account_id", "as_of_date")
        .agg(first(col("last")).as("last"), min("paying_from").as("spell_start"));
  }
}
