package io.churnscope.jobs.health;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.run.DataFlow;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.HealthTables;
import io.churnscope.common.schema.ModelTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code health-scores}: every customer's and open trial's health, scored on its lifecycle
 * stage's scorecard from {@code marts.health_measures}, compared with the table's previous snapshot
 * and the change explained (docs/health.md) → {@code marts.health_scores}. It scores the run date and
 * every snapshot date of {@code marts.health_measures} that {@code marts.health_scores} lacks (a
 * back-fill), in date order, so that each compares with the one before; each date replaces its own
 * partition, and dates already scored are never rewritten (except the run date on a re-run).
 *
 * <pre>bin/churnscope health-scores --lake LAKE --run-date 2026-10-31</pre>
 */
public final class HealthScoresStage implements Stage {
  @Override
  public String name() {
    return "health-scores";
  }

  @Override
  public String description() {
    return "marts.health_measures → marts.health_scores (scorecards, every change explained; missing snapshots back-filled)";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(HealthTables.HEALTH_MEASURES, ModelTables.CHURN_PREDICTIONS, HealthTables.HEALTH_SCORES)
        .writing(HealthTables.HEALTH_SCORES);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    HealthSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    HealthSettings settings = HealthSettings.from(run.config());
    Dataset<Row> measures = DeltaIO.read(spark, run.lake(), HealthTables.HEALTH_MEASURES);
    List<LocalDate> dates = datesToScore(measures, DeltaIO.readOrEmpty(spark, run.lake(), HealthTables.HEALTH_SCORES),
        run.runDate());
    long rows = 0;
    Row summary = null;
    for (LocalDate date : dates) {
      Dataset<Row> scored = score(measures.where(col("snapshot_date").equalTo(lit(Date.valueOf(date))))
              .join(churnProbability(spark, run.lake(), date), "account_id", "left"),
          previous(spark, run, date), settings, date).cache();
      try {
        DeltaIO.replaceWhere(spark, run.lake(), HealthTables.HEALTH_SCORES, scored, "snapshot_date = '" + date + "'");
        summary = scored.selectExpr("count(*)", "count_if(score_band = 'good')", "count_if(score_band = 'warning')",
            "count_if(score_band = 'poor')").first();
        rows += summary.getLong(0);
      } finally {
        scored.unpersist();
      }
    }
    String backfill = dates.size() > 1 ? " (and " + (dates.size() - 1) + " earlier snapshots back-filled from "
        + dates.get(0) + ")" : "";
    return new StageResult(rows, rows, 0, summary.getLong(0) + " accounts scored on " + run.runDate() + ": "
        + summary.getLong(1) + " good, " + summary.getLong(2) + " warning, " + summary.getLong(3) + " poor" + backfill);
  }

  /**
   * The run date and the snapshot dates of {@code measures} missing from {@code scores}, ascending: a
   * changed scorecard scores new snapshots under its new version and never rewrites the old ones.
   */
  static List<LocalDate> datesToScore(Dataset<Row> measures, Dataset<Row> scores, LocalDate runDate) {
    TreeSet<LocalDate> dates = new TreeSet<>(dates(measures));
    dates.removeAll(dates(scores));
    dates.add(runDate);
    return List.copyOf(dates);
  }

  private static List<LocalDate> dates(Dataset<Row> table) {
    return table.select("snapshot_date").distinct().collectAsList().stream().map(r -> r.getDate(0).toLocalDate()).toList();
  }

  /**
   * {@code account_id, churn_probability}: the churn model's prediction for {@code date} when the model
   * was on (marts.churn_predictions); no row, so no value, otherwise.
   */
  public static Dataset<Row> churnProbability(SparkSession spark, io.churnscope.common.lake.Lake lake, LocalDate date) {
    return DeltaIO.readOrEmpty(spark, lake, ModelTables.CHURN_PREDICTIONS)
        .where(col("snapshot_date").equalTo(lit(Date.valueOf(date))).and(col("model_status").equalTo("on")))
        .select(col("account_id"), col("churn_probability").as(HealthMeasure.CHURN_PROBABILITY.id()));
  }

  /** Each account's row of the table's latest snapshot before {@code date}, if the table has one. */
  static Dataset<Row> previous(SparkSession spark, RunContext run, LocalDate date) {
    return previousOf(DeltaIO.readOrEmpty(spark, run.lake(), HealthTables.HEALTH_SCORES), date);
  }

  /**
   * The rows of {@code history}'s latest snapshot before {@code date}, as the scoring compares with
   * them: {@code account_id, previous_snapshot_date, previous_version, previous_score, previous_measures}.
   */
  static Dataset<Row> previousOf(Dataset<Row> history, LocalDate date) {
    Dataset<Row> before = history.where(col("snapshot_date").lt(lit(Date.valueOf(date))));
    Row latest = before.agg(max("snapshot_date")).first();
    Dataset<Row> rows = latest.isNullAt(0) ? before.limit(0) : before.where(col("snapshot_date").equalTo(latest.get(0)));
    return rows.select(col("account_id"), col("snapshot_date").as("previous_snapshot_date"),
        col("scorecard_version").as("previous_version"), col("score").as("previous_score"),
        col("measures").as("previous_measures"));
  }

  /** The scored rows of {@code marts.health_scores} for {@code date}. */
  public static Dataset<Row> score(Dataset<Row> measures, Dataset<Row> previous, HealthSettings settings, LocalDate date) {
    return measures.join(previous, "account_id", "left")
        .map(new HealthRows(settings, Date.valueOf(date)), Encoders.row(HealthTables.HEALTH_SCORES.schema()));
  }
}
