package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Engaged evaluation of trials (DOMAIN §2), from {@code marts.account_day}: a trial account is
 * engaged when it has at least {@code engaged-min-active-days} active days in the first
 * {@code window-days} days from its trial start (day 0 = the trial start). Only trials starting on
 * or after the first rolled-up day are judged: before it there is no usage to judge them by.
 */
public final class TrialEngagement {
  private TrialEngagement() {}

  /**
   * @param versions {@code staged.subscription_versions}
   * @param crm {@code staged.crm_accounts}
   * @param accountDays {@code marts.account_day}
   */
  public static Dataset<Row> perAccount(Dataset<Row> versions, Dataset<Row> crm, Dataset<Row> accountDays,
      LocalDate runDate, TrialEngagementSettings s) {
    Column run = lit(Date.valueOf(runDate));
    Dataset<Row> usageFrom = accountDays.agg(min("activity_date").as("usage_from"));
    Dataset<Row> trials = versions.where(col("trial_start").isNotNull().and(col("trial_start").leq(run)))
        .groupBy("account_id").agg(min("trial_start").as("trial_start"))
        .crossJoin(usageFrom)
        .where(col("trial_start").geq(col("usage_from")))
        .drop("usage_from");
    Dataset<Row> profile = crm.groupBy("account_id").agg(max_by(struct(col("acquisition_channel"), col("campaign")),
            col("last_modified_at")).as("p"))
        .select(col("account_id"), col("p.acquisition_channel").as("acquisition_channel"), col("p.campaign").as("campaign"));

    Column keyEvent = exists(map_keys(col("events_by_name")), k -> k.isin(s.keyEvents().toArray()));
    Column day = col("activity_date");
    Column inWindow = day.between(col("trial_start"), date_add(col("trial_start"), s.windowDays() - 1));
    Dataset<Row> usage = trials.join(accountDays.select("account_id", "activity_date", "is_active", "events_by_name"),
            Joins.on("account_id"))
        .where(day.geq(col("trial_start")).and(day.leq(run)))
        .groupBy("account_id")
        .agg(count_if(col("is_active").and(inWindow)).cast("int").as("active_days_first_14"),
            min(when(col("is_active").and(keyEvent), day)).as("first_key_action_date"));

    return trials.join(usage, Joins.on("account_id"), "left").join(profile, Joins.on("account_id"), "left")
        .select(col("account_id"), col("trial_start"), trunc(col("trial_start"), "month").as("signup_month"),
            col("acquisition_channel"), col("campaign"),
            coalesce(col("active_days_first_14"), lit(0)).as("active_days_first_14"),
            coalesce(col("active_days_first_14"), lit(0)).geq(s.engagedMinActiveDays()).as("engaged"),
            date_add(col("trial_start"), s.windowDays() - 1).leq(run).as("evaluation_complete"),
            col("first_key_action_date"),
            datediff(col("first_key_action_date"), col("trial_start")).as("days_to_first_key_action"),
            run.as("as_of_date"));
  }

  /** Month by month, and by campaign within the month; complete evaluations only. */
  public static Dataset<Row> report(Dataset<Row> perAccount) {
    Dataset<Row> complete = perAccount.where(col("evaluation_complete"))
        .withColumn("campaign", coalesce(col("campaign"), lit("(none)")));
    Dataset<Row> months = summarize(complete.groupBy("signup_month"))
        .withColumn("grouping", lit("month")).withColumn("campaign", lit(null).cast("string"));
    Dataset<Row> campaigns = summarize(complete.groupBy("signup_month", "campaign"))
        .withColumn("grouping", lit("campaign"));
    return months.unionByName(campaigns)
        .withColumn("engaged_share", UsageBands.ratio(col("engaged_trials"), when(col("trials").gt(0), col("trials"))))
        .withColumn("reading", when(col("engaged_share").isNull(), lit("no_trials"))
            .when(col("engaged_share").geq(0.5), lit("ideal"))
            .when(col("engaged_share").geq(0.2), lit("expected"))
            .otherwise(lit("below_expected")));
  }

  private static Dataset<Row> summarize(org.apache.spark.sql.RelationalGroupedDataset grouped) {
    return grouped.agg(count(lit(1)).as("trials"), count_if(col("engaged")).as("engaged_trials"),
        percentile_approx(col("days_to_first_key_action"), lit(0.5), lit(10000)).cast("int")
            .as("median_days_to_first_key_action"));
  }
}
