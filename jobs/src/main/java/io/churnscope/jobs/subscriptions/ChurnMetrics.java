package io.churnscope.jobs.subscriptions;

import static io.churnscope.common.schema.MartTables.RATIO;
import static io.churnscope.common.schema.StagedTables.MONEY;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Churn levers per month from the account ledger and the churn events, each its own column.
 * Revenue rates divide by the start MRR at this month's FX rate ({@code start_mrr + fx_mrr}), the
 * same rate the movements are measured at, so currency swings never move a rate. Trials have no MRR,
 * so they never enter these metrics. Refunds ({@link ChurnRefunds}) are cash beside the levers, never in a rate.
 */
public final class ChurnMetrics {
  private ChurnMetrics() {}

  /**
   * @param churnEvents {@link ChurnEvents}'s rows with {@link ChurnRefunds}'s {@code refunded_amount}
   * @param renewalPool {@link RenewalPool}'s rows
   */
  public static Dataset<Row> apply(Dataset<Row> accountLedger, Dataset<Row> churnEvents, Dataset<Row> renewalPool) {
    Dataset<Row> stages = churnEvents.select(col("account_id").as("e_account_id"), col("month").as("e_month"),
        col("churn_stage"), col("refunded_amount"));
    Dataset<Row> pool = renewalPool.select(col("account_id").as("r_account_id"), col("month").as("r_month"),
        col("in_renewal_pool"));
    Column inPool = col("start_mrr").gt(0).and(coalesce(col("in_renewal_pool"), lit(false)));
    Column churned = col("churn_mrr").gt(0);
    Dataset<Row> monthly = accountLedger
        .join(stages, col("e_account_id").equalTo(col("account_id")).and(col("e_month").equalTo(col("month"))), "left")
        .join(pool, col("r_account_id").equalTo(col("account_id")).and(col("r_month").equalTo(col("month"))), "left")
        .groupBy("month")
        .agg(count_if(col("start_mrr").gt(0)).as("customers_start"),
            count_if(churned).as("churned_accounts"),
            count_if(inPool).as("renewal_pool_accounts"),
            count_if(inPool.and(churned.unary_$bang())).as("base_renewals"),
            count_if(inPool.and(churned)).as("churned_at_renewal"),
            count_if(inPool.unary_$bang().and(churned)).as("cancellations_between_renewals"),
            count_if(col("churn_mrr").gt(0).and(col("churn_stage").equalTo("early"))).as("early_churned_accounts"),
            money(sum(col("start_mrr").plus(col("fx_mrr")))).as("start_mrr_at_rate"),
            money(sum("new_mrr")).as("new_mrr"), money(sum("reactivation_mrr")).as("reactivation_mrr"),
            money(sum("expansion_mrr")).as("expansion_mrr"), money(sum("cross_sell_mrr")).as("cross_sell_mrr"),
            money(sum("contraction_mrr")).as("contraction_mrr"), money(sum("churn_mrr")).as("churn_mrr"),
            money(coalesce(sum(when(col("churn_stage").equalTo("early"), col("churn_mrr"))), lit(0))).as("early_churn_mrr"),
            count_if(col("refunded_amount").gt(0)).as("refunded_accounts"),
            money(coalesce(sum("refunded_amount"), lit(0))).as("refunded_amount"));
    Column base = col("start_mrr_at_rate");
    Column lost = col("contraction_mrr").plus(col("churn_mrr"));
    Column gained = col("new_mrr").plus(col("reactivation_mrr")).plus(col("expansion_mrr")).plus(col("cross_sell_mrr"));
    return monthly
        .withColumn("established_churned_accounts", col("churned_accounts").minus(col("early_churned_accounts")))
        .withColumn("renewal_churn_rate", ratio(col("churned_at_renewal"), col("renewal_pool_accounts")))
        .withColumn("logo_churn_rate", ratio(col("churned_accounts"), col("customers_start")))
        .withColumn("established_logo_churn_rate", ratio(col("established_churned_accounts"), col("customers_start")))
        .withColumn("revenue_churn_rate", ratio(col("churn_mrr"), base))
        .withColumn("contraction_rate", ratio(col("contraction_mrr"), base))
        .withColumn("expansion_rate", ratio(col("expansion_mrr"), base))
        .withColumn("cross_sell_rate", ratio(col("cross_sell_mrr"), base))
        .withColumn("grr", nullableRatio(base.minus(lost), base))
        .withColumn("nrr", nullableRatio(base.minus(lost).plus(col("expansion_mrr")).plus(col("cross_sell_mrr")), base))
        .withColumn("quick_ratio", nullableRatio(gained, lost));
  }

  /** A rate over a base that may be empty: 0 when the base is 0. */
  private static Column ratio(Column part, Column whole) {
    return coalesce(nullableRatio(part, whole), lit(0).cast(RATIO));
  }

  private static Column nullableRatio(Column part, Column whole) {
    // try_divide: null for a zero base; try_cast: null rather than a failure for an absurd ratio.
    return round(try_divide(part.cast("decimal(28,6)"), whole), 6).try_cast(RATIO);
  }

  private static Column money(Column c) {
    return c.cast(MONEY);
  }
}
