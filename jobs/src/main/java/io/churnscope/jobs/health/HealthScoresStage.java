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
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.HealthTables;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code health-scores}: every customer's and open trial's health on the run date, scored on
 * its lifecycle stage's scorecard, compared with the table's previous snapshot and the change
 * explained (docs/health.md) → {@code marts.health_scores}, the run date's partition replaced.
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
    return "account status, engagement, support, NPS, billing → marts.health_scores (scorecards, every change explained)";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(MartTables.ACCOUNT_STATUS, EngagementTables.ACCOUNT_ENGAGEMENT,
        StagedTables.SUBSCRIPTION_VERSIONS, StagedTables.SUPPORT_TICKETS, StagedTables.NPS_RESPONSES,
        StagedTables.INVOICES, HealthTables.HEALTH_SCORES)
        .writing(HealthTables.HEALTH_SCORES);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    HealthSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    HealthSettings settings = HealthSettings.from(run.config());
    LocalDate date = run.runDate();
    HealthInputs.Sources in = HealthInputs.Sources.read(spark, run.lake(),
        DeltaIO.read(spark, run.lake(), MartTables.ACCOUNT_STATUS));
    Dataset<Row> measures = HealthInputs.measures(in, HealthInputs.population(in, date, settings), date);
    Dataset<Row> scored = score(measures, previous(spark, run, date), settings, date).cache();
    try {
      DeltaIO.replaceWhere(spark, run.lake(), HealthTables.HEALTH_SCORES, scored, "snapshot_date = '" + date + "'");
      Row summary = scored.selectExpr("count(*)", "count_if(score_band = 'good')", "count_if(score_band = 'warning')",
          "count_if(score_band = 'poor')").first();
      return new StageResult(summary.getLong(0), summary.getLong(0), 0, summary.getLong(0) + " accounts scored on "
          + date + ": " + summary.getLong(1) + " good, " + summary.getLong(2) + " warning, " + summary.getLong(3) + " poor");
    } finally {
      scored.unpersist();
    }
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
