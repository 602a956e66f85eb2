package io.churnscope.jobs.health;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.jobs.subscriptions.VersionsInForce;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
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
   * always be in it); else adoption. Also the context the churn model reads: {@code tenure_days, mrr,
   * seats, plan, billing_interval, days_to_renewal}, and {@code is_past_due}.
   *
   * @param in {@code accountStatus} holds the date's snapshot (other dates are ignored); {@code versions}
   *     those known on the date
   */
  public static Dataset<Row> population(Sources in, LocalDate date, HealthSettings settings, List<String> seatProducts) {
    Dataset<Row> status = in.accountStatus().where(col("snapshot_date").equalTo(lit(Date.valueOf(date))));
    return populationAt(status, in.versions(), settings, seatProducts).drop("snapshot_date");
  }

  /**
   * {@link #population} of every {@code snapshot_date} of {@code accountStatus} in one plan, with
   * {@code snapshot_date}; an account id's versions must all be of its own date (the health back-fill
   * keys account ids by date), as each account's subscriptions are looked at on its row's date.
   */
  public static Dataset<Row> populationAt(Dataset<Row> accountStatus, Dataset<Row> versions, HealthSettings settings,
      List<String> seatProducts) {
    Column day = col("snapshot_date");
    Dataset<Row> status = accountStatus
        .where(col("lifecycle_status").equalTo("customer").or(col("trial_status").equalTo("open")));
    Column seatProduct = seatProducts.isEmpty() ? lit(true) : col("product").isin(seatProducts.toArray());
    Dataset<Row> paying = VersionsInForce.at(versions, status.select(col("account_id"), day.as("as_of_date")))
        .where(col("paying"))
        .groupBy(col("account_id"), col("as_of_date").as("snapshot_date"))
        .agg(max(col("billing_interval").equalTo("year")).as("annual"),
            // The main subscription: a seat product's first, then the largest amount (then the plan's name, for ties).
            max_by(struct(col("plan"), col("billing_interval")),
                struct(seatProduct, col("amount"), col("plan"), col("billing_interval"))).as("main"));
    Column stage = when(col("lifecycle_status").notEqual("customer"), lit("trial"))
        .when(col("tenure_days").lt(settings.onboardingDays()), lit("onboarding"))
        .when(coalesce(col("annual"), lit(false)).and(col("next_renewal_date").isNotNull())
            .and(datediff(col("next_renewal_date"), day).leq(settings.renewalWindowDays())), lit("renewal"))
        .otherwise(lit("adoption"));
    Column customer = col("lifecycle_status").equalTo("customer");
    return status.join(paying, new String[] {"account_id", "snapshot_date"}, "left")
        .select(day, col("account_id"), stage.as("lifecycle_stage"), col("arr_tier"), col("past_due").as("is_past_due"),
            col("tenure_days"), col("mrr"), col("seats"), when(customer, col("main.plan")).as("plan"),
            when(customer, col("main.billing_interval")).as("billing_interval"),
            datediff(col("next_renewal_date"), day).as("days_to_renewal"));
  }

  /** {@code population} with a column per {@link HealthMeasure}, named by its id (one date). */
  public static Dataset<Row> measures(Sources in, Dataset<Row> population, LocalDate date) {
    return measuresAt(in, population.withColumn("snapshot_date", lit(Date.valueOf(date)))).drop("snapshot_date");
  }

  /**
   * {@code population} (one row per {@code account_id, snapshot_date}, any number of dates) with a
   * column per {@link HealthMeasure}. Engagement is joined on both keys ({@code in.accountEngagement()}
   * holds a {@code snapshot_date} per row); tickets, NPS answers and refunds count when dated on or
   * before the snapshot date <em>and</em> delivered by then ({@code ingest_date}), as a nightly of that
   * date would have seen them (a ticket exported when it closes is unknown while it is open).
   */
  public static Dataset<Row> measuresAt(Sources in, Dataset<Row> population) {
    Column day = col("snapshot_date");
    Dataset<Row> keys = population.select(col("account_id").as("k_account_id"), col("snapshot_date"));
    Dataset<Row> engagement = in.accountEngagement()
        .select(col("account_id"), col("snapshot_date"),
            col("active_days_14").cast("double").as(HealthMeasure.USAGE_FREQUENCY.id()),
            col("license_utilization").cast("double").as(HealthMeasure.LICENSE_UTILIZATION.id()),
            col("feature_breadth").cast("double").as(HealthMeasure.FEATURE_BREADTH.id()),
            col("trend_7d").cast("double").as(HealthMeasure.USAGE_TREND_7D.id()),
            col("trend_28d").cast("double").as(HealthMeasure.USAGE_TREND_28D.id()),
            col("top_user_share").cast("double").as(HealthMeasure.CONCENTRATION.id()));
    Column opened = to_date(col("created_at"));
    Column closed = to_date(col("closed_at"));
    Dataset<Row> tickets = knownBy(keys, in.tickets(), opened)
        .groupBy("account_id", "snapshot_date")
        .agg(count(when(opened.gt(date_sub(day, 30)), lit(1))).cast("double").as(HealthMeasure.SUPPORT_TICKETS_30D.id()),
            count(when(col("priority").isin("high", "urgent").and(closed.isNull().or(closed.gt(day))), lit(1)))
                .cast("double").as(HealthMeasure.OPEN_HIGH_PRIORITY_TICKETS.id()),
            avg(when(closed.gt(date_sub(day, 90)).and(closed.leq(day)), col("csat"))).cast("double")
                .as(HealthMeasure.CSAT_90D.id()));
    Column answered = to_date(col("responded_at"));
    Dataset<Row> nps = knownBy(keys, in.nps(), answered).where(answered.gt(date_sub(day, 365)))
        .groupBy("account_id", "snapshot_date")
        .agg(max_by(col("score"), col("responded_at")).cast("double").as(HealthMeasure.NPS_SCORE.id()));
    Dataset<Row> refunds = knownBy(keys, in.invoices().where(col("kind").equalTo("refund")), col("invoice_date"))
        .where(col("invoice_date").gt(date_sub(day, 90)))
        .groupBy("account_id", "snapshot_date").agg(count(lit(1)).cast("double").as(HealthMeasure.REFUNDS_90D.id()));
    String[] key = {"account_id", "snapshot_date"};
    // Recent trouble, for the churn model: what happened in the last 90 days, as far as it was known.
    Dataset<Row> recentTickets = knownBy(keys, in.tickets().where(col("priority").isin("high", "urgent")), opened)
        .where(opened.gt(date_sub(day, 90)))
        .groupBy("account_id", "snapshot_date").agg(count(lit(1)).cast("double").as("high_priority_tickets_90d"));
    Dataset<Row> detractors = knownBy(keys, in.nps().where(col("score").leq(6)), answered)
        .where(answered.gt(date_sub(day, 90)))
        .groupBy("account_id", "snapshot_date").agg(count(lit(1)).cast("double").as("detractor_answers_90d"));
    Dataset<Row> pastDue = in.versions() == null
        ? keys.limit(0).select(col("k_account_id").as("account_id"), col("snapshot_date"),
            lit(0.0).as("past_due_spells_90d"))
        : knownBy(keys, in.versions().where(col("status").equalTo("past_due")), col("effective_date"))
            .where(col("effective_date").gt(date_sub(day, 90)))
            .groupBy("account_id", "snapshot_date").agg(count(lit(1)).cast("double").as("past_due_spells_90d"));
    return population
        .join(engagement, key, "left")
        .join(tickets, key, "left")
        .join(nps, key, "left")
        .join(refunds, key, "left")
        .join(recentTickets, key, "left")
        .join(detractors, key, "left")
        .join(pastDue, key, "left")
        .withColumn("high_priority_tickets_90d", coalesce(col("high_priority_tickets_90d"), lit(0.0)))
        .withColumn("detractor_answers_90d", coalesce(col("detractor_answers_90d"), lit(0.0)))
        .withColumn("past_due_spells_90d", coalesce(col("past_due_spells_90d"), lit(0.0)))
        .withColumn("cancel_scheduled", when(col("lifecycle_stage").equalTo("trial"), lit(null).cast("double"))
            .when(col("days_to_renewal").isNull(), lit(1.0)).otherwise(lit(0.0)))
        // No ticket or refund is a count of 0, not a missing value.
        .withColumn(HealthMeasure.SUPPORT_TICKETS_30D.id(), coalesce(col(HealthMeasure.SUPPORT_TICKETS_30D.id()), lit(0.0)))
        .withColumn(HealthMeasure.OPEN_HIGH_PRIORITY_TICKETS.id(),
            coalesce(col(HealthMeasure.OPEN_HIGH_PRIORITY_TICKETS.id()), lit(0.0)))
        .withColumn(HealthMeasure.REFUNDS_90D.id(), coalesce(col(HealthMeasure.REFUNDS_90D.id()), lit(0.0)))
        .withColumn(HealthMeasure.PAST_DUE.id(), when(col("is_past_due"), lit(1.0)).otherwise(lit(0.0)))
        .drop("is_past_due");
  }

  /**
   * The rows of {@code staged} for each key's account that are dated ({@code dated}) on or before the
   * key's snapshot date and were delivered by then, with the key's {@code snapshot_date}.
   */
  private static Dataset<Row> knownBy(Dataset<Row> keys, Dataset<Row> staged, Column dated) {
    return staged.join(keys, col("k_account_id").equalTo(col("account_id"))
            .and(dated.leq(col("snapshot_date"))).and(col("ingest_date").leq(col("snapshot_date"))))
        .drop("k_account_id");
  }
}
