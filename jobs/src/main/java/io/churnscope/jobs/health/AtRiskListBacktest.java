package io.churnscope.jobs.health;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * How the at-risk list would have done (docs/health.md, "Is the at-risk list right?"): its rules
 * applied to every past customer snapshot of {@code marts.health_measures} (point in time, so the
 * list a nightly would have printed that day), judged against the established churn that followed.
 * The {@code churn_risk} rule is left out: past snapshots carry no prediction of their own; and a
 * snapshot from before the usage rollups begin can fire no usage rule ({@link #fires}).
 *
 * <ul>
 *   <li><b>recall</b>: of the accounts with an established churn and a customer snapshot between
 *       {@code horizon} and {@code leadDays} days before it, the share the list held on one of those
 *       snapshots — on the list at least {@code leadDays} before the churn;</li>
 *   <li><b>lead time</b>: for those caught, days from the first snapshot in the horizon before the
 *       churn that held the account to the churn; the median;</li>
 *   <li><b>precision at capacity</b>: on each snapshot whose horizon has passed, the list's first
 *       {@code capacity} accounts by MRR (as {@code list_rank} orders them); the share that churned
 *       within the horizon, pooled over the snapshots;</li>
 *   <li><b>flagged share</b> and the <b>base rate</b>: the share of customer snapshots on the list, and
 *       the share that churned within the horizon — a list holding everyone catches everyone.</li>
 * </ul>
 */
public final class AtRiskListBacktest {
  /** The ranker name of its rows in marts.churn_model_metrics. */
  public static final String RANKER = "at_risk_list";
  /** The rules judged: every at-risk rule but churn_risk. */
  static final List<ActionRule> RULES = Arrays.stream(ActionRule.values())
      .filter(r -> r.list().equals("at_risk") && r != ActionRule.CHURN_RISK).toList();

  /**
   * @param churned accounts judged (an established churn with a snapshot in its window)
   * @param caught of which on the list at least the lead days before the churn
   * @param medianLeadDays median lead time of those caught (null when none)
   * @param capacityRows list rows within capacity on snapshots whose outcome is known
   * @param capacityChurned of which churned within the horizon
   * @param snapshots customer snapshots whose outcome is known
   * @param flagged of which on the list
   * @param snapshotsChurned of which churned within the horizon
   * @param from first snapshot judged
   * @param to last snapshot judged
   */
  public record Figures(long churned, long caught, Double medianLeadDays, long capacityRows, long capacityChurned,
      long snapshots, long flagged, long snapshotsChurned, LocalDate from, LocalDate to) {
    public double recall() {
      return churned == 0 ? Double.NaN : (double) caught / churned;
    }

    public double precisionAtCapacity() {
      return capacityRows == 0 ? Double.NaN : (double) capacityChurned / capacityRows;
    }

    public double flaggedShare() {
      return snapshots == 0 ? Double.NaN : (double) flagged / snapshots;
    }

    public double baseRate() {
      return snapshots == 0 ? Double.NaN : (double) snapshotsChurned / snapshots;
    }

    public String describe(int leadDays, int capacity) {
      return String.format(Locale.ROOT, "at-risk list on the snapshots %s..%s: %d of %d churned accounts on it at least "
          + "%d days before their churn (median lead %s days); the first %d by MRR churned at %.3f (%d of %d rows); "
          + "%.3f of customer snapshots on the list, base churn rate %.3f", from, to, caught, churned, leadDays,
          medianLeadDays == null ? "n/a" : String.format(Locale.ROOT, "%.0f", medianLeadDays), capacity,
          precisionAtCapacity(), capacityChurned, capacityRows, flaggedShare(), baseRate());
    }
  }

  private AtRiskListBacktest() {}

  /**
   * @param measures {@code marts.health_measures} (every snapshot up to the run date)
   * @param churnEvents {@code marts.churn_events}
   * @param runDate outcomes are known up to this date
   */
  public static Figures compute(Dataset<Row> measures, Dataset<Row> churnEvents, ActionSettings s, int horizonDays,
      int leadDays, int capacity, LocalDate runDate) {
    Column flaggedBy = lit(false);
    for (ActionRule rule : RULES) {
      flaggedBy = flaggedBy.or(org.apache.spark.sql.functions.coalesce(fires(rule, s), lit(false)));
    }
    Column day = lit(Date.valueOf(runDate));
    Dataset<Row> snapshots = measures.where(col("lifecycle_stage").notEqual("trial").and(col("snapshot_date").leq(day)))
        .select(col("account_id"), col("snapshot_date"), col("mrr"), flaggedBy.as("flagged")).cache();
    try {
      Dataset<Row> churns = churnEvents.where(col("churn_stage").equalTo("established").and(col("churn_date").leq(day)))
          .select(col("account_id").as("c_account_id"), col("churn_date"));
      Figures recall = recall(snapshots, churns, horizonDays, leadDays);
      Dataset<Row> known = snapshots.where(date_add(col("snapshot_date"), horizonDays).leq(day))
          .join(churns, col("c_account_id").equalTo(col("account_id")).and(col("churn_date").gt(col("snapshot_date")))
              .and(col("churn_date").leq(date_add(col("snapshot_date"), horizonDays))), "left")
          .groupBy("account_id", "snapshot_date", "mrr", "flagged")
          .agg(max(col("churn_date").isNotNull()).as("churned"));
      Row all = known.agg(org.apache.spark.sql.functions.count(lit(1)),
          org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.when(col("flagged"), lit(1))),
          org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.when(col("churned"), lit(1)))).first();
      Row top = known.where(col("flagged"))
          .withColumn("place", row_number().over(Window.partitionBy("snapshot_date")
              .orderBy(col("mrr").desc(), col("account_id"))))
          .where(col("place").leq(capacity))
          .agg(org.apache.spark.sql.functions.count(lit(1)),
              org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.when(col("churned"), lit(1)))).first();
      return new Figures(recall.churned(), recall.caught(), recall.medianLeadDays(), top.getLong(0), top.getLong(1),
          all.getLong(0), all.getLong(1), all.getLong(2), recall.from(), recall.to());
    } finally {
      snapshots.unpersist();
    }
  }

  /**
   * The rule as the nightly list applies it, except that no_activity needs a known usage frequency of
   * 0: a back-filled snapshot from before the usage rollups begin has no usage measure at all, and
   * the nightly's reading (no engagement row on a paid date = no activity) would list every account.
   */
  static Column fires(ActionRule rule, ActionSettings s) {
    return rule == ActionRule.NO_ACTIVITY
        ? col("lifecycle_stage").notEqual("trial").and(col(HealthMeasure.USAGE_FREQUENCY.id()).equalTo(0))
        : CsActions.firesFor(rule, s);
  }

  /** The recall part: churned and caught accounts, the median lead time and the snapshots' range. */
  private static Figures recall(Dataset<Row> snapshots, Dataset<Row> churns, int horizonDays, int leadDays) {
    // Each churn with the account's snapshots of the horizon before it; judged when one of them is at
    // least leadDays before the churn (the account was a customer we could have listed in time).
    Dataset<Row> window = churns.join(snapshots, col("c_account_id").equalTo(col("account_id"))
        .and(col("snapshot_date").geq(date_sub(col("churn_date"), horizonDays)))
        .and(col("snapshot_date").lt(col("churn_date"))));
    Column inTime = col("snapshot_date").leq(date_sub(col("churn_date"), leadDays));
    Dataset<Row> perChurn = window.groupBy("c_account_id", "churn_date").agg(
        max(inTime).as("judged"),
        max(inTime.and(col("flagged"))).as("caught"),
        min(org.apache.spark.sql.functions.when(col("flagged"), col("snapshot_date"))).as("first_flagged"))
        .where(col("judged"));
    // An aggregate, not a collect: the driver's memory must not grow with the history of churns.
    Column lead = org.apache.spark.sql.functions.when(col("caught"), datediff(col("churn_date"), col("first_flagged")));
    Row counts = perChurn.agg(org.apache.spark.sql.functions.count(lit(1)),
        org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.when(col("caught"), lit(1))),
        org.apache.spark.sql.functions.median(lead)).first();
    Double median = counts.isNullAt(2) ? null : ((Number) counts.get(2)).doubleValue();
    Row range = snapshots.agg(min("snapshot_date"), max("snapshot_date")).first();
    return new Figures(counts.getLong(0), counts.getLong(1), median, 0, 0, 0, 0, 0,
        range.isNullAt(0) ? null : range.getDate(0).toLocalDate(), range.isNullAt(1) ? null : range.getDate(1).toLocalDate());
  }
}
