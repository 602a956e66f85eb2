package io.churnscope.jobs.subscriptions;

import static io.churnscope.common.schema.MartTables.RATIO;
import static io.churnscope.common.schema.StagedTables.MONEY;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_divide;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Logo and revenue retention by start-month cohort, from {@code marts.mrr_ledger_account}.
 *
 * <p>An account's cohort is its first month with MRR at the month's end; its starting MRR is that
 * month's {@code end_mrr}. For every month from the cohort's to the run's, the cohort's accounts
 * with MRR at the month's end are retained (an account that left and came back counts again), and
 * their MRR is retained MRR, expansion and cross-sell included. FX is excluded from the rate: by the
 * ledger identity, {@code mrr_retained − cumulative_fx_mrr} is the starting MRR plus every non-FX
 * movement since, so {@code revenue_retention} moves only with the customers, never the currencies.
 */
public final class CohortRetention {
  private CohortRetention() {}

  public static Dataset<Row> apply(Dataset<Row> accountLedger, LocalDate runDate) {
    Column runMonth = lit(Date.valueOf(runDate.withDayOfMonth(1)));
    Dataset<Row> cohorts = accountLedger.where(col("end_mrr").gt(0))
        .groupBy(col("account_id").as("c_account_id"))
        .agg(min("month").as("cohort_month"), min_by(col("end_mrr"), col("month")).as("starting_mrr"));
    Dataset<Row> grid = cohorts.select(col("c_account_id"), col("cohort_month"), col("starting_mrr"),
        explode(sequence(col("cohort_month"), runMonth, expr("INTERVAL 1 MONTH"))).as("g_month"));
    Dataset<Row> perAccount = grid
        .join(accountLedger.select(col("account_id"), col("month"), col("end_mrr"), col("fx_mrr")),
            col("account_id").equalTo(col("c_account_id")).and(col("month").equalTo(col("g_month"))), "left")
        .select(col("c_account_id"), col("cohort_month"), col("g_month").as("month"), col("starting_mrr"),
            coalesce(col("end_mrr"), lit(0)).as("end_mrr"), coalesce(col("fx_mrr"), lit(0)).as("fx_mrr"))
        .withColumn("cumulative_fx", sum("fx_mrr").over(Window.partitionBy("c_account_id").orderBy("month")
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow())));
    Dataset<Row> totals = perAccount.groupBy("cohort_month", "month")
        .agg(count_if(lit(true)).as("cohort_accounts"),
            count_if(col("end_mrr").gt(0)).as("accounts_retained"),
            sum("starting_mrr").cast(MONEY).as("starting_mrr"),
            sum("end_mrr").cast(MONEY).as("mrr_retained"),
            sum("cumulative_fx").cast(MONEY).as("cumulative_fx_mrr"));
    return totals
        .withColumn("months_since_start", Months.index(col("month")).minus(Months.index(col("cohort_month"))).cast("int"))
        .withColumn("logo_retention", ratio(col("accounts_retained"), col("cohort_accounts")))
        .withColumn("revenue_retention", ratio(col("mrr_retained").minus(col("cumulative_fx_mrr")), col("starting_mrr")));
  }

  private static Column ratio(Column part, Column whole) {
    return coalesce(round(try_divide(part.cast("decimal(28,6)"), whole), 6).try_cast(RATIO), lit(0).cast(RATIO));
  }
}
