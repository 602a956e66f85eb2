package io.churnscope.jobs.subscriptions;

import static io.churnscope.common.schema.StagedTables.MONEY;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Classifies each account × product × month's change of MRR into one movement.
 *
 * <p>With S = start MRR at this month's rate ({@code start_mrr + fx_mrr}) and E = end MRR:
 * <ul>
 *   <li>S = 0, E &gt; 0: <b>cross-sell</b> if the account paid for another product at the start of
 *       the month; otherwise <b>reactivation</b> if the account paid at some earlier month end and the
 *       months from the month it churned (the first month-end without MRR) to this one are at most
 *       {@code reactivationWindowMonths}; otherwise <b>new</b>.</li>
 *   <li>S &gt; 0, E = 0: <b>churn</b> if the account has no MRR left at the month's end; otherwise
 *       (it keeps another product) <b>contraction</b>.</li>
 *   <li>S &gt; 0, E &gt; 0: <b>expansion</b> E − S if positive, else <b>contraction</b> S − E.</li>
 * </ul>
 * So start + new + reactivation + expansion + cross_sell − contraction − churn + fx = end holds for
 * every row by construction. Rows with no MRR at the start and the end are dropped.
 *
 * <p>Input: {@link BaseCurrencyMrr}'s rows. Output: the {@code marts.mrr_ledger} columns.
 */
public final class MrrMovements {
  private MrrMovements() {}

  public static Dataset<Row> apply(Dataset<Row> subscriptionMrr, int reactivationWindowMonths) {
    Dataset<Row> products = subscriptionMrr
        .groupBy("account_id", "product", "month", "as_of_date")
        .agg(sum("start_mrr").as("start_mrr"), sum("fx_mrr").as("fx_mrr"), sum("end_mrr").as("end_mrr"));

    WindowSpec accountHistory = Window.partitionBy("account_id").orderBy("month")
        .rowsBetween(Window.unboundedPreceding(), -1);
    // Accounts are dense in months (every subscription row runs to the run month), so the earlier
    // months of an account are exactly its earlier rows.
    Dataset<Row> accounts = subscriptionMrr.groupBy("account_id", "month")
        .agg(sum("start_mrr").as("account_start_mrr"), sum("end_mrr").as("account_end_mrr"))
        .withColumn("month_index", Months.index(col("month")))
        .withColumn("last_paying_month_index",
            max(when(col("account_end_mrr").gt(0), col("month_index"))).over(accountHistory))
        .select(col("account_id").as("a_account_id"), col("month").as("a_month"), col("account_start_mrr"),
            col("account_end_mrr"), col("month_index"), col("last_paying_month_index"));

    Column s = col("start_mrr").plus(col("fx_mrr"));
    Column e = col("end_mrr");
    Column arrives = s.equalTo(0).and(e.gt(0));
    Column leaves = s.gt(0).and(e.equalTo(0));
    Column continues = s.gt(0).and(e.gt(0));
    Column continuingAccount = col("account_start_mrr").gt(0);
    Column returnsInWindow = col("last_paying_month_index").isNotNull()
        .and(col("month_index").minus(col("last_paying_month_index")).minus(1).leq(reactivationWindowMonths));
    Column accountGone = col("account_end_mrr").equalTo(0);

    return products
        .join(accounts, col("a_account_id").equalTo(col("account_id")).and(col("a_month").equalTo(col("month"))))
        .where(col("start_mrr").notEqual(0).or(col("end_mrr").notEqual(0)))
        .select(col("month"), col("as_of_date"), col("account_id"), col("product"),
            money(col("start_mrr")).as("start_mrr"),
            amountWhen(arrives.and(continuingAccount.unary_$bang()).and(returnsInWindow.unary_$bang()), e).as("new_mrr"),
            amountWhen(arrives.and(continuingAccount.unary_$bang()).and(returnsInWindow), e).as("reactivation_mrr"),
            amountWhen(continues.and(e.gt(s)), e.minus(s)).as("expansion_mrr"),
            amountWhen(arrives.and(continuingAccount), e).as("cross_sell_mrr"),
            amountWhen(continues.and(e.lt(s)), s.minus(e)).plus(amountWhen(leaves.and(accountGone.unary_$bang()), s))
                .cast(MONEY).as("contraction_mrr"),
            amountWhen(leaves.and(accountGone), s).as("churn_mrr"),
            money(col("fx_mrr")).as("fx_mrr"),
            money(e).as("end_mrr"));
  }

  private static Column amountWhen(Column condition, Column amount) {
    return when(condition, amount).otherwise(lit(0)).cast(MONEY);
  }

  private static Column money(Column c) {
    return c.cast(MONEY);
  }
}
