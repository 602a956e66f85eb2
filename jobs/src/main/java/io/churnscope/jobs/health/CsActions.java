package io.churnscope.jobs.health;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The customer-success lists of a run date (docs/health.md): each rule that fires for an account is
 * a row with the evidence in words and a call to action, routed by ARR tier to an engagement program.
 *
 * <p>Input {@code accounts}: one row per scored account with {@code account_id, lifecycle_stage,
 * arr_tier, score_band, score, mrr, owner_key, heavy_adopters} and a column per {@link HealthMeasure}.
 */
public final class CsActions {
  private CsActions() {}

  /** The rows of {@code marts.cs_actions} for {@code date}. */
  public static Dataset<Row> apply(Dataset<Row> in, ActionSettings s, int onboardingDays, LocalDate date) {
    // Without a churn prediction (the model off, or not run) the churn_risk rule never fires.
    Dataset<Row> accounts = java.util.Arrays.asList(in.columns()).contains(HealthMeasure.CHURN_PROBABILITY.id()) ? in
        : in.withColumn(HealthMeasure.CHURN_PROBABILITY.id(), lit(null).cast("double"));
    List<Dataset<Row>> fired = new ArrayList<>();
    for (ActionRule rule : ActionRule.values()) {
      fired.add(accounts.where(firesFor(rule, s)).select(col("account_id"), lit(rule.list()).as("list"),
          lit(rule.id()).as("rule"), evidence(rule, onboardingDays).as("evidence"),
          lit(s.callsToAction().get(rule)).as("call_to_action"), col("lifecycle_stage"), col("arr_tier"),
          col("owner_key"), col("mrr")));
    }
    Dataset<Row> rows = fired.stream().reduce(Dataset::unionByName).orElseThrow()
        .withColumn("program", program(s))
        .withColumn("list_rank", dense_rank().over(Window.partitionBy("list").orderBy(col("mrr").desc(), col("account_id"))));
    return rows.join(reachedCoverage(rows, s.coverageCapacity()), "account_id", "left")
        .select(lit(Date.valueOf(date)).as("run_date"), col("list"), col("account_id"), col("rule"), col("evidence"),
            col("call_to_action"), col("lifecycle_stage"), col("arr_tier"), col("program"),
            when(col("program").equalTo("high_touch"), col("owner_key")).as("owner_key"), col("mrr"), col("list_rank"),
            coalesce(col("coverage_reached"), col("program").notEqual("coverage")).as("reached"));
  }

  /** Reach beside impact per list and program: the rows of {@code marts.cs_programs}. */
  public static Dataset<Row> programs(Dataset<Row> actions) {
    Dataset<Row> accounts = actions.select("run_date", "list", "program", "account_id", "mrr", "reached").distinct();
    return accounts.groupBy("run_date", "list", "program")
        .agg(count(lit(1)).as("accounts"), count(when(col("reached"), lit(1))).as("reached_accounts"),
            sum("mrr").as("mrr"), coalesce(sum(when(col("reached"), col("mrr"))), lit(0)).as("reached_mrr"));
  }

  private static Column measure(HealthMeasure measure) {
    return col(measure.id());
  }

  static Column firesFor(ActionRule rule, ActionSettings s) {
    Column utilization = measure(HealthMeasure.LICENSE_UTILIZATION);
    Column nps = measure(HealthMeasure.NPS_SCORE);
    return switch (rule) {
      case USAGE_DROP -> measure(HealthMeasure.USAGE_TREND_28D).lt(s.threshold(rule));
      case LOW_UTILIZATION -> utilization.lt(s.threshold(rule));
      case NO_ACTIVITY -> col("lifecycle_stage").notEqual("trial")
          .and(coalesce(measure(HealthMeasure.USAGE_FREQUENCY), lit(0.0)).equalTo(0));
      case DETRACTOR -> nps.leq(s.threshold(rule));
      case PAST_DUE -> measure(HealthMeasure.PAST_DUE).equalTo(1);
      case CHURN_RISK -> measure(HealthMeasure.CHURN_PROBABILITY).gt(s.threshold(rule));
      case OVER_LICENSED -> utilization.gt(s.threshold(rule));
      case NEAR_CAPACITY -> utilization.geq(s.threshold(rule)).and(utilization.leq(s.threshold(ActionRule.OVER_LICENSED)));
      case FAST_ADOPTION -> col("lifecycle_stage").equalTo("onboarding").and(col("score_band").equalTo("good"));
      case PROMOTER -> nps.geq(s.threshold(rule));
      case HEAVY_ADOPTERS -> coalesce(col("heavy_adopters"), lit(0L)).geq(1);
    };
  }

  static Column evidence(ActionRule rule, int onboardingDays) {
    Column percentUsed = round(measure(HealthMeasure.LICENSE_UTILIZATION).multiply(100)).cast("int");
    Column nps = measure(HealthMeasure.NPS_SCORE).cast("int");
    return switch (rule) {
      case USAGE_DROP -> format_string("active events down %d %% over 28 days",
          round(measure(HealthMeasure.USAGE_TREND_28D).multiply(-100)).cast("int"));
      case LOW_UTILIZATION, NEAR_CAPACITY -> format_string("%d %% of licensed seats active", percentUsed);
      case NO_ACTIVITY -> lit("no active day in the last 14 days");
      case DETRACTOR, PROMOTER -> format_string("last NPS answer %d", nps);
      case PAST_DUE -> lit("a subscription in force is past due");
      case CHURN_RISK -> format_string("the churn model gives %d %% odds of churning within its horizon",
          round(measure(HealthMeasure.CHURN_PROBABILITY).multiply(100)).cast("int"));
      case OVER_LICENSED -> format_string("%d %% more active users than licensed seats", percentUsed.minus(100));
      case FAST_ADOPTION -> format_string("health %d (good) within its first %d days of paying",
          round(col("score")).cast("int"), lit(onboardingDays));
      case HEAVY_ADOPTERS -> format_string("%d heavy adopters (marts.cs_signals)", col("heavy_adopters"));
    };
  }

  private static Column program(ActionSettings s) {
    Column program = lit(s.defaultProgram());
    for (Map.Entry<String, String> tier : s.programByTier().entrySet()) {
      program = when(col("arr_tier").equalTo(tier.getKey()), lit(tier.getValue())).otherwise(program);
    }
    return program;
  }

  /**
   * Coverage accounts the team can act on: at-risk first, then by MRR (ties by account), up to the
   * capacity; {@code account_id, coverage_reached}.
   */
  private static Dataset<Row> reachedCoverage(Dataset<Row> rows, int capacity) {
    Column priority = when(col("list").equalTo("at_risk"), lit(0)).when(col("list").equalTo("expansion"), lit(1))
        .otherwise(lit(2));
    return rows.where(col("program").equalTo("coverage"))
        .groupBy("account_id").agg(min(priority).as("priority"), min("mrr").as("mrr"))
        .withColumn("place", row_number().over(Window.orderBy(col("priority"), col("mrr").desc(), col("account_id"))))
        .select(col("account_id"), col("place").leq(capacity).as("coverage_reached"));
  }
}
