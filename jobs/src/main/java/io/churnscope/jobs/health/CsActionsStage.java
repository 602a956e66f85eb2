package io.churnscope.jobs.health;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.to_date;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.run.DataFlow;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.HealthTables;
import io.churnscope.common.schema.ModelTables;
import io.churnscope.common.schema.StagedTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code cs-actions}: tonight's at-risk, expansion and advocacy lists with a call to action,
 * routed by ARR tier to an engagement program → {@code marts.cs_actions}, and reach beside impact per
 * program → {@code marts.cs_programs} (docs/health.md). Both replace the run date's partition.
 */
public final class CsActionsStage implements Stage {
  @Override
  public String name() {
    return "cs-actions";
  }

  @Override
  public String description() {
    return "health scores, measures, CS signals → marts.cs_actions (at-risk, expansion, advocacy), marts.cs_programs";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(HealthTables.HEALTH_SCORES, HealthTables.HEALTH_MEASURES, ModelTables.CHURN_PREDICTIONS,
        EngagementTables.CS_SIGNALS,
        StagedTables.CRM_ACCOUNTS)
        .writing(HealthTables.CS_ACTIONS, HealthTables.CS_PROGRAMS);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    ActionSettings.from(config);
    HealthSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    ActionSettings settings = ActionSettings.from(run.config());
    LocalDate date = run.runDate();
    Column day = lit(Date.valueOf(date));
    // The measures the scores were made of (and the MRR), as of the run date.
    Dataset<Row> measures = DeltaIO.read(spark, run.lake(), HealthTables.HEALTH_MEASURES)
        .where(col("snapshot_date").equalTo(day))
        .selectExpr(Stream.concat(Stream.of("account_id", "mrr"), HealthMeasure.pointInTimeIds().stream())
            .toArray(String[]::new))
        .join(HealthScoresStage.churnProbability(spark, run.lake(), date), "account_id", "left");
    Dataset<Row> scored = DeltaIO.read(spark, run.lake(), HealthTables.HEALTH_SCORES).where(col("snapshot_date").equalTo(day))
        .select("account_id", "lifecycle_stage", "arr_tier", "score", "score_band")
        .join(measures, "account_id", "left");
    Dataset<Row> heavy = DeltaIO.readOrEmpty(spark, run.lake(), EngagementTables.CS_SIGNALS)
        .where(col("signal_date").equalTo(day).and(col("signal_type").equalTo("heavy_adopter")))
        .groupBy("account_id").agg(count(lit(1)).as("heavy_adopters"));
    Dataset<Row> owners = DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.CRM_ACCOUNTS)
        .where(to_date(col("last_modified_at")).leq(day))
        .groupBy("account_id").agg(max_by(col("owner_key"), col("last_modified_at")).as("owner_key"));
    Dataset<Row> accounts = scored
        .join(heavy, "account_id", "left").join(owners, "account_id", "left");
    Dataset<Row> actions = CsActions.apply(accounts, settings, HealthSettings.ONBOARDING_DAYS.from(run.config()), date).cache();
    try {
      String when = "run_date = '" + date + "'";
      DeltaIO.replaceWhere(spark, run.lake(), HealthTables.CS_ACTIONS, actions, when);
      Dataset<Row> programs = CsActions.programs(actions);
      DeltaIO.replaceWhere(spark, run.lake(), HealthTables.CS_PROGRAMS, programs, when);
      List<String> byList = programs.groupBy("list").sum("accounts").orderBy("list").collectAsList().stream()
          .map(r -> r.getString(0) + " " + r.getLong(1)).toList();
      long rows = actions.count();
      return new StageResult(0, rows, 0, rows + " actions on " + date + (byList.isEmpty() ? "" : ": " + String.join(", ", byList)));
    } finally {
      actions.unpersist();
    }
  }
}
