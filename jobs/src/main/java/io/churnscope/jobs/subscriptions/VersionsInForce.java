package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Each subscription's version in force on one day — the latest {@code effective_date} on or
 * before it, then the highest version, as {@link SubscriptionMonthEnd} picks it — with
 * {@code paying}: active or past_due, started, not ended by the day, amount above 0. A paying
 * version is exactly one that has MRR in the ledger's row for that day.
 *
 * <p>Output: the version's columns of {@code staged.subscription_versions} plus {@code paying}.
 */
final class VersionsInForce {
  private VersionsInForce() {}

  static Dataset<Row> on(Dataset<Row> versions, LocalDate day) {
    Column at = lit(Date.valueOf(day));
    return versions.where(col("effective_date").leq(at))
        .groupBy("subscription_id")
        .agg(max_by(struct(col("account_id"), col("product"), col("plan"), col("billing_interval"), col("quantity"),
            col("amount"), col("status"), col("trial_start"), col("trial_end"), col("start_date"), col("ended_at")),
            struct(col("effective_date"), col("version"))).as("v"))
        .select(col("subscription_id"), col("v.*"))
        .withColumn("paying", col("status").isin("active", "past_due").and(col("start_date").leq(at))
            .and(col("ended_at").isNull().or(col("ended_at").gt(at))).and(col("amount").gt(0)));
  }

  /** A version that pays, wherever it sits in time (for first paid days). */
  static Column payingVersion() {
    return col("status").isin("active", "past_due").and(col("amount").gt(0));
  }
}
