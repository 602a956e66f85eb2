package io.churnscope.jobs.cube;

import static io.churnscope.common.schema.MartTables.MRR_MOVEMENTS;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.schema.MartTables;
import io.churnscope.jobs.subscriptions.LicensedSeats;
import io.churnscope.jobs.subscriptions.RenewalPool;
import io.churnscope.jobs.subscriptions.SubscriptionMonthEnd;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * {@code cube.fact_account_month} from the marts: one row per account-month of the MRR ledger or
 * with usage (a trial's months are there, as non-customers). Every number is read from the mart that
 * defines it — MRR and movements from {@code marts.mrr_ledger_account}, churn and its reason from
 * {@code marts.churn_events}, seats by {@link LicensedSeats}, the renewal pool by {@link RenewalPool}
 * — so the cube can never disagree with {@code marts.churn_metrics}.
 */
public final class AccountMonthFacts {
  /**
   * The day an account-month's attributes are read: its {@code as_of_date}, except in the month the
   * account churns, where that day falls after the cancellation (no plan, no seats left): the day
   * before its churn date, so a churn is reported against the plan and bands the customer left.
   */
  public static final String ATTRIBUTES_DATE = "attributes_date";

  private AccountMonthFacts() {}

  /**
   * @param accountDay {@code marts.account_day}: its months are in the grid too, so every day of
   *     {@code cube.fact_account_day} has an account-month (and an account version)
   */
  public static Dataset<Row> apply(Dataset<Row> accountLedger, Dataset<Row> churnEvents, Dataset<Row> userDay,
      Dataset<Row> accountDay, Dataset<Row> versions, LocalDate runDate, List<String> seatProducts) {
    Column runDay = lit(Date.valueOf(runDate));
    Dataset<Row> usage = userDay
        .where(col("is_active").and(col("activity_date").leq(runDay)))
        .groupBy(col("account_id").as("u_account_id"), trunc(col("activity_date"), "month").as("u_month"))
        .agg(countDistinct("user_key").as("active_users"), countDistinct("activity_date").cast("int").as("active_days"));
    Dataset<Row> grid = accountLedger.select("account_id", "month")
        .union(usage.select(col("u_account_id"), col("u_month")))
        .union(accountDay.where(col("activity_date").leq(runDay)).select(col("account_id"), trunc(col("activity_date"), "month")))
        .distinct()
        .withColumn("as_of_date", least(last_day(col("month")), runDay));

    Dataset<Row> facts = grid
        .join(ledgerColumns(accountLedger), col("l_account_id").equalTo(col("account_id")).and(col("l_month").equalTo(col("month"))), "left")
        .join(usage, col("u_account_id").equalTo(col("account_id")).and(col("u_month").equalTo(col("month"))), "left")
        .join(churnReasons(churnEvents), col("e_account_id").equalTo(col("account_id")).and(col("e_month").equalTo(col("month"))), "left")
        .join(seats(grid, versions, seatProducts), col("s_account_id").equalTo(col("account_id")).and(col("s_month").equalTo(col("month"))), "left")
        .join(renewals(versions, runDate), col("r_account_id").equalTo(col("account_id")).and(col("r_month").equalTo(col("month"))), "left")
        .join(firstPaidMonths(accountLedger), col("f_account_id").equalTo(col("account_id")), "left");
    for (StructField money : MRR_MOVEMENTS) {
      facts = facts.withColumn(money.name(), coalesce(col(money.name()), lit(0).cast(money.dataType())));
    }
    Column tenure = when(col("month").geq(col("first_paid_month")),
        months_between(col("month"), col("first_paid_month")).cast("int"));
    return facts
        .withColumn("date_key", DimDate.key(col("month")))
        .withColumn("is_customer", col("end_mrr").gt(0))
        .withColumn("customer_at_start", col("start_mrr").gt(0))
        .withColumn("churned", col("churn_mrr").gt(0))
        .withColumn("churn_reason_key", ChurnReasons.key(coalesce(col("reason"), lit(ChurnReasons.NONE))))
        .withColumn("start_mrr_at_rate", col("start_mrr").plus(col("fx_mrr")))
        .withColumn("seats", coalesce(col("licensed_seats"), lit(0L)))
        .withColumn("active_users", coalesce(col("active_users"), lit(0L)))
        .withColumn("active_days", coalesce(col("active_days"), lit(0)))
        .withColumn("license_utilization", round(try_divide(col("active_users").cast("decimal(28,6)"), col("seats")), 6)
            .try_cast(MartTables.RATIO))
        .withColumn("tenure_months", tenure)
        .withColumn(ATTRIBUTES_DATE, when(col("churn_mrr").gt(0).and(col("e_churn_date").isNotNull()),
            date_sub(col("e_churn_date"), 1)).otherwise(col("as_of_date")))
        // As marts.churn_metrics counts its renewal pool: paying at the start and renewing this month.
        .withColumn("renewal_due", col("start_mrr").gt(0).and(coalesce(col("in_renewal_pool"), lit(false))));
  }

  private static Dataset<Row> ledgerColumns(Dataset<Row> accountLedger) {
    Column[] columns = new Column[MRR_MOVEMENTS.size() + 2];
    columns[0] = col("account_id").as("l_account_id");
    columns[1] = col("month").as("l_month");
    for (int i = 0; i < MRR_MOVEMENTS.size(); i++) {
      columns[i + 2] = col(MRR_MOVEMENTS.get(i).name());
    }
    return accountLedger.select(columns);
  }

  private static Dataset<Row> churnReasons(Dataset<Row> churnEvents) {
    return churnEvents.select(col("account_id").as("e_account_id"), col("month").as("e_month"), col("reason"),
        col("churn_date").as("e_churn_date"));
  }

  /** Licensed seats at each account-month's as-of day, in one pass ({@link LicensedSeats#at}). */
  private static Dataset<Row> seats(Dataset<Row> grid, Dataset<Row> versions, List<String> seatProducts) {
    return LicensedSeats.at(versions, grid.select("account_id", "as_of_date", "month"), seatProducts)
        .join(grid.select(col("account_id").as("g_account_id"), col("as_of_date").as("g_as_of_date"), col("month").as("s_month")),
            col("g_account_id").equalTo(col("account_id")).and(col("g_as_of_date").equalTo(col("as_of_date"))))
        .select(col("account_id").as("s_account_id"), col("s_month"), col("licensed_seats"));
  }

  private static Dataset<Row> renewals(Dataset<Row> versions, LocalDate runDate) {
    return RenewalPool.apply(SubscriptionMonthEnd.apply(versions, runDate), versions)
        .select(col("account_id").as("r_account_id"), col("month").as("r_month"), col("in_renewal_pool"));
  }

  private static Dataset<Row> firstPaidMonths(Dataset<Row> accountLedger) {
    return accountLedger.where(col("end_mrr").gt(0))
        .groupBy(col("account_id").as("f_account_id"))
        .agg(min("month").as("first_paid_month"));
  }
}
