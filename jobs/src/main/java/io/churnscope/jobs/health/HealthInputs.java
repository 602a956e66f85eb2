package io.churnscope.jobs.health;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.jobs.subscriptions.VersionsInForce;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Who is scored on a date, in which lifecycle stage, and every measure's value as of that date
 * (docs/health.md): one row per account, a column per measure (null: no value). Only data dated on
 * or before the snapshot date is read, so a snapshot never sees its own future.
 */
public final class HealthInputs {
  private HealthInputs() {}

  /** The tables the inputs are read from, as of the snapshot date. */
  public record Sources(Dataset<Row> accountStatus, Dataset<Row> accountEngagement, Dataset<Row> versions,
      Dataset<Row> tickets, Dataset<Row> nps, Dataset<Row> invoices) {
    /** The lake's tables (those not written yet read as empty), with {@code accountStatus} as given. */
    public static Sources read(SparkSession spark, Lake lake, Dataset<Row> accountStatus) {
      return new Sources(accountStatus,
          DeltaIO.readOrEmpty(spark, lake, EngagementTables.ACCOUNT_ENGAGEMENT),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.SUBSCRIPTION_VERSIONS),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.SUPPORT_TICKETS),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.NPS_RESPONSES),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.INVOICES));
    }
  }

  /**
   * Customers and accounts in an open trial on {@code date}, with {@code lifecycle_stage} and
   * {@code arr_tier}: trial; onboarding (paid tenure below {@code onboardingDays}); renewal (an annual
   * contract renewing within {@code renewalWindowDays}: monthly plans renew every month and would
   * always be in it); else adoption.
   */
  public static Dataset<Row> population(Sources in, LocalDate date, HealthSettings settings) {
    Column day = lit(Date.valueOf(date));
    Dataset<Row> status = in.accountStatus().where(col("snapshot_date").equalTo(day))
        .where(col("lifecycle_status").equalTo("customer").or(col("trial_status").equalTo("open")));
    Dataset<Row> annual = VersionsInForce.at(in.versions(), in.versions().sparkSession().range(1).select(day.as("as_of_date")))
        .where(col("paying").and(col("billing_interval").equalTo("year")))
        .select(col("account_id")).distinct().withColumn("annual", lit(true));
    Column stage = when(col("lifecycle_status").notEqual("customer"), lit("trial"))
        .when(col("tenure_days").lt(settings.onboardingDays()), lit("onboarding"))
        .when(col("annual").isNotNull().and(col("next_renewal_date").isNotNull())
            .and(datediff(col("next_renewal_date"), day).leq(settings.renewalWindowDays())), lit("renewal"))
        .otherwise(lit("adoption"));
    return status.join(annual, "account_id", "left")
        .select(col("account_id"), stage.as("lifecycle_stage"), col("arr_tier"), col("past_due").as("is_past_due"));
  }

  /** {@code population} with a column per {@link HealthMeasure}, named by its id. */
  public static Dataset<Row> measures(Sources in, Dataset<Row> population, LocalDate date) {
    Column day = lit(Date.valueOf(date));
    Dataset<Row> engagement = in.accountEngagement().where(col("snapshot_date").equalTo(day))
        .select(col("account_id"),
            col("active_days_14").cast("double").as(HealthMeasure.USAGE_FREQUENCY.id()),
            col("license_utilization").cast("double").as(HealthMeasure.LICENSE_UTILIZATION.id()),
            col("feature_breadth").cast("double").as(HealthMeasure.FEATURE_BREADTH.id()),
            col("trend_7d").cast("double").as(HealthMeasure.USAGE_TREND_7D.id()),
            col("trend_28d").cast("double").as(HealthMeasure.USAGE_TREND_28D.id()),
            col("top_user_share").cast("double").as(HealthMeasure.CONCENTRATION.id()));
    Column opened = to_date(col("created_at"));
    Column closed = to_date(col("closed_at"));
    Dataset<Row> tickets = in.tickets().where(opened.leq(day))
        .groupBy("account_id")
        .agg(count(when(opened.gt(date_sub(day, 30)), lit(1))).cast("double").as(HealthMeasure.SUPPORT_TICKETS_30D.id()),
            count(when(col("priority").isin("high", "urgent").and(closed.isNull().or(closed.gt(day))), lit(1)))
                .cast("double").as(HealthMeasure.OPEN_HIGH_PRIORITY_TICKETS.id()),
            avg(when(closed.gt(date_sub(day, 90)).and(closed.leq(day)), col("csat"))).cast("double")
                .as(HealthMeasure.CSAT_90D.id()));
    Column answered = to_date(col("responded_at"));
    Dataset<Row> nps = in.nps().where(answered.leq(day).and(answered.gt(date_sub(day, 365))))
        .groupBy("account_id")
        .agg(max_by(col("score"), col("responded_at")).cast("double").as(HealthMeasure.NPS_SCORE.id()));
    Dataset<Row> refunds = in.invoices().where(col("kind").equalTo("refund")
            .and(col("invoice_date").leq(day)).and(col("invoice_date").gt(date_sub(day, 90))))
        .groupBy("account_id").agg(count(lit(1)).cast("double").as(HealthMeasure.REFUNDS_90D.id()));
    return population
        .join(engagement, "account_id", "left")
        .join(tickets, "account_id", "left")
        .join(nps, "account_id", "left")
        .join(refunds, "account_id", "left")
        // No ticket or refund is a count of 0, not a missing value.
        .withColumn(HealthMeasure.SUPPORT_TICKETS_30D.id(), coalesce(col(HealthMeasure.SUPPORT_TICKETS_30D.id()), lit(0.0)))
        .withColumn(HealthMeasure.OPEN_HIGH_PRIORITY_TICKETS.id(),
            coalesce(col(HealthMeasure.OPEN_HIGH_PRIORITY_TICKETS.id()), lit(0.0)))
        .withColumn(HealthMeasure.REFUNDS_90D.id(), coalesce(col(HealthMeasure.REFUNDS_90D.id()), lit(0.0)))
        .withColumn(HealthMeasure.PAST_DUE.id(), when(col("is_past_due"), lit(1.0)).otherwise(lit(0.0)))
        .drop("is_past_due");
  }
}
