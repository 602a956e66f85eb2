package io.churnscope.jobs.subscriptions;

import static io.churnscope.common.schema.MartTables.RATIO;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Trial conversion by cohort: month the trial started × campaign × acquisition channel.
 *
 * <p>A <b>trial</b> is an account's first trial (earliest {@code trial_start} of its subscription
 * versions, with that subscription's {@code trial_end}), counted only if the account had not paid
 * before it (a customer trying an add-on is not a prospect). Its outcome on the run date:
 * <ul>
 *   <li><b>converted</b>: the account's first paid day (first effective day of a paying version, any
 *       subscription) is on or before {@code trial_end + conversionDays};</li>
 *   <li><b>lapsed</b>: not converted and the run date is past {@code trial_end + conversionDays}
 *       (an account paying later is new business in the ledger, not a conversion);</li>
 *   <li><b>still open</b>: otherwise (trial running, no end recorded, or inside the window).</li>
 * </ul>
 * So {@code trials_started = converted + lapsed + still_open}. Campaign and channel are the CRM's
 * latest row per account as of the run date. Trials carry no MRR, so none of this enters the churn
 * metrics.
 */
public final class TrialConversion {
  private TrialConversion() {}

  /** One row per prospect trial with its {@code outcome}; the aggregation is {@link #byCohort}. */
  public static Dataset<Row> outcomes(Dataset<Row> versions, Dataset<Row> crmAccounts, LocalDate runDate,
      int conversionDays) {
    Column day = lit(Date.valueOf(runDate));
    Dataset<Row> known = versions.where(col("effective_date").leq(day));
    Dataset<Row> trials = known.where(col("trial_start").isNotNull())
        .groupBy("account_id")
        .agg(min_by(struct(col("trial_start"), col("trial_end")), struct(col("trial_start"), col("subscription_id")))
            .as("t"))
        .select(col("account_id"), col("t.trial_start").as("trial_start"), col("t.trial_end").as("trial_end"));
    Dataset<Row> firstPaid = known.where(VersionsInForce.payingVersion())
        .groupBy(col("account_id").as("p_account_id")).agg(min("effective_date").as("first_paid_date"));
    Dataset<Row> crm = crmAccounts.where(to_date(col("last_modified_at")).leq(day))
        .groupBy(col("account_id").as("c_account_id"))
        .agg(max_by(struct(col("campaign"), col("acquisition_channel")), col("last_modified_at")).as("c"));

    Column windowEnd = date_add(col("trial_end"), conversionDays);
    Column converted = col("first_paid_date").isNotNull().and(col("first_paid_date").leq(windowEnd));
    Column lapsed = col("trial_end").isNotNull().and(windowEnd.lt(day));
    return trials
        .join(firstPaid, col("p_account_id").equalTo(col("account_id")), "left")
        .where(col("first_paid_date").isNull().or(col("first_paid_date").geq(col("trial_start"))))
        .join(crm, col("c_account_id").equalTo(col("account_id")), "left")
        .select(col("account_id"), to_date(date_trunc("month", col("trial_start"))).as("trial_month"),
            coalesce(nullif(trim(col("c.campaign")), lit("")), lit("(none)")).as("campaign"),
            coalesce(nullif(trim(col("c.acquisition_channel")), lit("")), lit("unknown")).as("acquisition_channel"),
            col("trial_start"), col("trial_end"), col("first_paid_date"),
            when(converted, "converted").when(lapsed, "lapsed").otherwise("still_open").as("outcome"));
  }

  public static Dataset<Row> byCohort(Dataset<Row> outcomes, LocalDate runDate) {
    Column converted = col("converted");
    return outcomes.groupBy("trial_month", "campaign", "acquisition_channel")
        .agg(count_if(lit(true)).as("trials_started"),
            count_if(col("outcome").equalTo("converted")).as("converted"),
            count_if(col("outcome").equalTo("lapsed")).as("lapsed"),
            count_if(col("outcome").equalTo("still_open")).as("still_open"))
        .withColumn("as_of_date", lit(Date.valueOf(runDate)))
        .withColumn("conversion_rate", ratio(converted, col("trials_started")))
        .withColumn("decided_conversion_rate", ratio(converted, converted.plus(col("lapsed"))));
  }

  private static Column ratio(Column part, Column whole) {
    return round(try_divide(part.cast("decimal(28,6)"), whole), 6).try_cast(RATIO);
  }
}
