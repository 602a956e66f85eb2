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
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Stage {@code health-scores}: every customer's and open trial's health, scored on its lifecycle
 * stage's scorecard from {@code marts.health_measures}, compared with the table's previous snapshot
 * and the change explained (docs/health.md) → {@code marts.health_scores}. It scores the run date and
 * every snapshot date of {@code marts.health_measures} that {@code marts.health_scores} lacks (a
 * back-fill), each compared with the snapshot before it, in one write of those dates' partitions; dates
 * already scored are never rewritten (except the run date on a re-run).
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
    Dataset<Row> stored = DeltaIO.readOrEmpty(spark, run.lake(), HealthTables.HEALTH_SCORES);
    TreeSet<LocalDate> storedDates = new TreeSet<>(dates(stored));
    List<LocalDate> dates = datesToScore(dates(measures), storedDates, run.runDate());
    Column scoring = col("snapshot_date").isin(dates.stream().map(Date::valueOf).toArray());
    Dataset<Row> input = measures.where(scoring)
        .join(churnProbabilities(spark, run.lake(), scoring), new String[] {"account_id", "snapshot_date"}, "left").cache();
    Dataset<Row> scored = null;
    try {
      // A score never depends on the previous snapshot, only its explanation does: every date is scored
      // once without it, and then against the snapshot before it, whether stored or scored in this run.
      Dataset<Row> firstPass = scoreAll(input, previousRows(stored.limit(0), spark, Map.of()), settings);
      // Only the stored snapshots some date is compared with are read: the table's history grows every night.
      Map<LocalDate, LocalDate> before = predecessorDates(dates, storedDates);
      Object[] storedPredecessors = before.values().stream().distinct().filter(d -> !dates.contains(d)).map(Date::valueOf).toArray();
      Column[] compared = {col("account_id"), col("snapshot_date"), col("scorecard_version"), col("score"), col("measures")};
      Dataset<Row> predecessors = stored.where(col("snapshot_date").isin(storedPredecessors)).select(compared)
          .unionByName(firstPass.select(compared));
      scored = scoreAll(input, previousRows(predecessors, spark, before), settings).cache();
      String when = "snapshot_date IN (" + dates.stream().map(d -> "DATE'" + d + "'").collect(Collectors.joining(", ")) + ")";
      DeltaIO.replaceWhere(spark, run.lake(), HealthTables.HEALTH_SCORES, scored, when);
      long rows = scored.count();
      Row summary = scored.where(col("snapshot_date").equalTo(lit(Date.valueOf(run.runDate()))))
          .selectExpr("count(*)", "count_if(score_band = 'good')", "count_if(score_band = 'warning')",
              "count_if(score_band = 'poor')").first();
      String backfill = dates.size() > 1 ? " (and " + (dates.size() - 1) + " earlier snapshots back-filled from "
          + dates.get(0) + ")" : "";
      return new StageResult(rows, rows, 0, summary.getLong(0) + " accounts scored on " + run.runDate() + ": "
          + summary.getLong(1) + " good, " + summary.getLong(2) + " warning, " + summary.getLong(3) + " poor" + backfill);
    } finally {
      input.unpersist();
      if (scored != null) {
        scored.unpersist();
      }
    }
  }

  /**
   * The run date and the snapshot dates of {@code measured} missing from {@code scored}, ascending: a
   * changed scorecard scores new snapshots under its new version and never rewrites the old ones.
   */
  static List<LocalDate> datesToScore(List<LocalDate> measured, java.util.Set<LocalDate> scored, LocalDate runDate) {
    TreeSet<LocalDate> dates = new TreeSet<>(measured);
    dates.removeAll(scored);
    dates.add(runDate);
    return List.copyOf(dates);
  }

  /**
   * Each date to score with the table's latest snapshot date before it, once this run has written: a
   * stored date or one of {@code dates} (a date without one has nothing to compare with).
   */
  static Map<LocalDate, LocalDate> predecessorDates(List<LocalDate> dates, java.util.Set<LocalDate> storedDates) {
    TreeSet<LocalDate> all = new TreeSet<>(storedDates);
    all.addAll(dates);
    Map<LocalDate, LocalDate> before = new TreeMap<>();
    for (LocalDate date : dates) {
      LocalDate previous = all.lower(date);
      if (previous != null) {
        before.put(date, previous);
      }
    }
    return before;
  }

  /**
   * {@code account_id, snapshot_date, previous_snapshot_date, previous_version, previous_score,
   * previous_measures}: for each date of {@code before}, the rows of {@code history} at its predecessor.
   */
  private static Dataset<Row> previousRows(Dataset<Row> history, SparkSession spark, Map<LocalDate, LocalDate> before) {
    List<Row> pairs = before.entrySet().stream()
        .map(e -> RowFactory.create(Date.valueOf(e.getKey()), Date.valueOf(e.getValue()))).toList();
    Dataset<Row> datePairs = spark.createDataFrame(pairs, new StructType()
        .add("snapshot_date", DataTypes.DateType).add("previous_snapshot_date", DataTypes.DateType));
    return datePairs.join(history.select(col("account_id"), col("snapshot_date").as("previous_snapshot_date"),
            col("scorecard_version").as("previous_version"), col("score").as("previous_score"),
            col("measures").as("previous_measures")), "previous_snapshot_date")
        .select("account_id", "snapshot_date", "previous_snapshot_date", "previous_version", "previous_score",
            "previous_measures");
  }

  private static Dataset<Row> scoreAll(Dataset<Row> input, Dataset<Row> previous, HealthSettings settings) {
    return input.join(previous, new String[] {"account_id", "snapshot_date"}, "left")
        .map(new HealthRows(settings, null), Encoders.row(HealthTables.HEALTH_SCORES.schema()));
  }

  private static List<LocalDate> dates(Dataset<Row> table) {
    return table.select("snapshot_date").distinct().collectAsList().stream().map(r -> r.getDate(0).toLocalDate()).toList();
  }

  /**
   * {@code account_id, churn_probability}: the churn model's prediction for {@code date} when the model
   * was on (marts.churn_predictions); no row, so no value, otherwise.
   */
  public static Dataset<Row> churnProbability(SparkSession spark, io.churnscope.common.lake.Lake lake, LocalDate date) {
    return churnProbabilities(spark, lake, col("snapshot_date").equalTo(lit(Date.valueOf(date)))).drop("snapshot_date");
  }

  /** {@code account_id, snapshot_date, churn_probability}: as {@link #churnProbability}, for the snapshots {@code dates} selects. */
  static Dataset<Row> churnProbabilities(SparkSession spark, io.churnscope.common.lake.Lake lake, Column dates) {
    return DeltaIO.readOrEmpty(spark, lake, ModelTables.CHURN_PREDICTIONS)
        .where(dates.and(col("model_status").equalTo("on")))
        .select(col("account_id"), col("snapshot_date"), col("churn_probability").as(HealthMeasure.CHURN_PROBABILITY.id()));
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
