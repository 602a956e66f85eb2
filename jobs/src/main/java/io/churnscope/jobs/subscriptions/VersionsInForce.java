package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Each subscription's version in force on a day — the latest {@code effective_date} on or
 * before it, then the highest version, as {@link SubscriptionMonthEnd} picks it — with
 * {@code paying}: active or past_due, started, not ended by the day, amount above 0. A paying
 * version is exactly one that has MRR in the ledger's row for that day.
 *
 * <p>One day ({@link #on}) or many ({@link #at}: one row per subscription and key date), with one
 * definition: the single-day form is the many-day form with one key.
 *
 * <p>Output: {@code subscription_id, as_of_date}, the version's columns of
 * {@code staged.subscription_versions}, and {@code paying}.
 */
public final class VersionsInForce {
  private VersionsInForce() {}

  static Dataset<Row> on(Dataset<Row> versions, LocalDate day) {
    return at(versions, versions.sparkSession().range(1).select(lit(Date.valueOf(day)).as("as_of_date")));
  }

  /**
   * @param keys {@code as_of_date}, and optionally {@code account_id}: with it, only that account's
   *     subscriptions are looked at on that date (a range join on the account); without it, every
   *     subscription on every date
   */
  public static Dataset<Row> at(Dataset<Row> versions, Dataset<Row> keys) {
    boolean byAccount = Arrays.asList(keys.columns()).contains("account_id");
    Dataset<Row> dates = (byAccount
        ? keys.select(col("account_id").as("k_account_id"), col("as_of_date").as("k_as_of_date"))
        : keys.select(col("as_of_date").as("k_as_of_date"))).distinct();
    Column onOrBefore = col("effective_date").leq(col("k_as_of_date"));
    Column condition = byAccount ? col("account_id").equalTo(col("k_account_id")).and(onOrBefore) : onOrBefore;
    Column at = col("as_of_date");
    return versions.join(dates, condition)
        .groupBy(col("subscription_id"), col("k_as_of_date").as("as_of_date"))
        .agg(max_by(struct(col("account_id"), col("product"), col("plan"), col("billing_interval"), col("quantity"),
            col("amount"), col("currency"), col("status"), col("trial_start"), col("trial_end"), col("start_date"),
            col("ended_at")), struct(col("effective_date"), col("version"))).as("v"))
        .select(col("subscription_id"), col("as_of_date"), col("v.*"))
        .withColumn("paying", col("status").isin("active", "past_due").and(col("start_date").leq(at))
            .and(col("ended_at").isNull().or(col("ended_at").gt(at))).and(col("amount").gt(0)));
  }

  /** A version that pays, wherever it sits in time (for first paid days). */
  static Column payingVersion() {
    return col("status").isin("active", "past_due").and(col("amount").gt(0));
  }
}
