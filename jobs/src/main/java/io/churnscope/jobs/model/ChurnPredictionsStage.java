package io.churnscope.jobs.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.run.DataFlow;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.HealthTables;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.ModelTables;
import io.churnscope.jobs.health.ActionSettings;
import io.churnscope.jobs.health.AtRiskListBacktest;
import io.churnscope.jobs.health.HealthSettings;
import io.churnscope.jobs.model.BacktestFigures.Figure;
import io.churnscope.jobs.subscriptions.SubscriptionSettings;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code churn-predictions}: each customer's probability of an established logo churn within
 * {@code churn-model.horizon-days}, with its top reasons, from a model trained on the point-in-time
 * snapshots of marts.health_measures (docs/churn-model.md). Logistic regression and gradient-boosted
 * trees are compared in a rolling-origin backtest beside the rules score, a random ranking and a
 * shuffled-label control; the better one serves, if the gates pass → {@code marts.churn_predictions}
 * (the run date's partition), {@code marts.churn_model_metrics} (the run's figures) and the model
 * registry under {@code <lake>/_models/churn}.
 *
 * <pre>bin/churnscope churn-predictions --lake LAKE --run-date 2026-10-31</pre>
 */
public final class ChurnPredictionsStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(ChurnPredictionsStage.class);
  static final List<ChurnModel.Kind> KINDS = List.of(ChurnModel.Kind.LOGISTIC_REGRESSION,
      ChurnModel.Kind.GRADIENT_BOOSTED_TREES);

  @Override
  public String name() {
    return "churn-predictions";
  }

  @Override
  public String description() {
    return "health measures, churn events → marts.churn_predictions, marts.churn_model_metrics (backtested, gated)";
  }

  /** The model registry: a model trained (or removed) since the last run changes what this stage does. */
  @Override
  public List<String> otherFiles() {
    return List.of(ModelRegistry.FOLDER);
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(HealthTables.HEALTH_MEASURES, MartTables.CHURN_EVENTS, ModelTables.CHURN_PREDICTIONS,
            ModelTables.CHURN_MODEL_METRICS)
        .writing(ModelTables.CHURN_PREDICTIONS, ModelTables.CHURN_MODEL_METRICS);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    ChurnModelSettings.from(config);
    HealthSettings.from(config);
    ActionSettings.from(config);
    ChurnModelSettings.LIST_LEAD_DAYS.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    ChurnModelSettings settings = ChurnModelSettings.from(run.config());
    LocalDate date = run.runDate();
    Dataset<Row> measures = DeltaIO.read(spark, run.lake(), HealthTables.HEALTH_MEASURES)
        .where(col("snapshot_date").leq(lit(Date.valueOf(date))));
    ChurnModelRun model = new ChurnModelRun(spark, run, settings, ChurnTrainingSet.numeric(measures, settings.features()));
    Optional<ChurnModelRun.Outcome> reused = model.reuse();
    Optional<Date> judged = driftSnapshot(spark, run, settings);
    // A night that reuses the model needs only today's snapshot and the one the drift check judges:
    // its cost stays flat as the history grows.
    Dataset<Row> history = reused.isEmpty() ? measures : measures.where(col("snapshot_date").equalTo(lit(Date.valueOf(date)))
        .or(judged.map(d -> col("snapshot_date").equalTo(lit(d))).orElse(lit(false))));
    Dataset<Row> rows = ChurnTrainingSet.build(history, DeltaIO.readOrEmpty(spark, run.lake(), MartTables.CHURN_EVENTS),
        date, settings.horizonDays(), SubscriptionSettings.from(run.config()).stickPointDays(), settings.features(),
        HealthSettings.from(run.config())).cache();
    try {
      ChurnModelRun.Outcome outcome = reused.orElseGet(() -> model.train(rows));
      Dataset<Row> predictions = predictions(spark, rows, date, outcome, settings);
      List<Row> metrics = new ArrayList<>(outcome.metricRows(date));
      judged.flatMap(d -> drift(spark, run, rows, d, settings, outcome)).ifPresent(metrics::add);
      int leadDays = ChurnModelSettings.LIST_LEAD_DAYS.from(run.config());
      List<Row> carried = reused.isPresent() ? listRowsOfLastJudgement(spark, run) : List.of();
      String listLine;
      if (carried.isEmpty()) {
        AtRiskListBacktest.Figures list = AtRiskListBacktest.compute(measures, DeltaIO.readOrEmpty(spark, run.lake(),
            MartTables.CHURN_EVENTS), ActionSettings.from(run.config()), settings.horizonDays(), leadDays,
            settings.csmCapacity(), date);
        metrics.addAll(listRows(list, date, outcome, leadDays, settings.csmCapacity()));
        listLine = list.describe(leadDays, settings.csmCapacity());
      } else {
        carried.forEach(r -> metrics.add(withRunDate(r, date)));
        listLine = "at-risk list as judged on " + carried.get(0).getDate(0) + " (judged again when the model retrains)";
      }
      DeltaIO.replaceWhere(spark, run.lake(), ModelTables.CHURN_PREDICTIONS, predictions,
          "snapshot_date = '" + date + "'");
      DeltaIO.replaceWhere(spark, run.lake(), ModelTables.CHURN_MODEL_METRICS,
          spark.createDataFrame(metrics, ModelTables.CHURN_MODEL_METRICS.schema()), "run_date = '" + date + "'");
      long scored = DeltaIO.read(spark, run.lake(), ModelTables.CHURN_PREDICTIONS)
          .where(col("snapshot_date").equalTo(lit(Date.valueOf(date)))).count();
      String message = "churn model " + outcome.status() + " (" + outcome.reason() + "): " + scored + " customers on "
          + date + (outcome.on() ? ", model " + outcome.entry().version() + " " + outcome.entry().kind() : "")
          + "; " + listLine;
      return new StageResult(rows.count(), scored + metrics.size(), 0, message);
    } finally {
      rows.unpersist();
    }
  }

  /**
   * The at-risk list's rows of the latest earlier run that judged it (they carry the day they were
   * judged in their {@code run_date}); empty when no run has.
   */
  static List<Row> listRowsOfLastJudgement(SparkSession spark, RunContext run) {
    Dataset<Row> earlier = DeltaIO.readOrEmpty(spark, run.lake(), ModelTables.CHURN_MODEL_METRICS)
        .where(col("ranker").equalTo(AtRiskListBacktest.RANKER).and(col("run_date").lt(lit(Date.valueOf(run.runDate())))));
    Row last = earlier.agg(org.apache.spark.sql.functions.max("run_date")).first();
    if (last.isNullAt(0)) {
      return List.of();
    }
    return earlier.where(col("run_date").equalTo(lit(last.getDate(0)))).collectAsList();
  }

  /** A carried row under tonight's run date, its note saying when it was judged. */
  private static Row withRunDate(Row row, LocalDate date) {
    Object[] values = new Object[row.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(i);
    }
    int note = row.fieldIndex("note");
    values[note] = "judged on " + row.getDate(0) + ": " + row.getString(note);
    values[0] = Date.valueOf(date);
    return RowFactory.create(values);
  }

  /** The at-risk list's figures as {@code ranker = at_risk_list} rows of marts.churn_model_metrics. */
  static List<Row> listRows(AtRiskListBacktest.Figures f, LocalDate date, ChurnModelRun.Outcome outcome, int leadDays,
      int capacity) {
    String version = outcome.on() ? outcome.entry().version() : "none";
    Date trainedOn = Date.valueOf(outcome.on() ? outcome.entry().trainedOn() : date.toString());
    String range = f.from() == null ? "" : f.from() + "," + f.to();
    String note = f.describe(leadDays, capacity);
    List<Row> rows = new ArrayList<>();
    java.util.function.BiConsumer<String, Object[]> add = (metric, v) -> rows.add(RowFactory.create(Date.valueOf(date),
        version, AtRiskListBacktest.RANKER, metric, v[0], null, null, v[1], v[2], range, trainedOn, note));
    add.accept("recall", new Object[] {nullIfNaN(f.recall()), f.churned(), f.caught()});
    add.accept("median_lead_days", new Object[] {f.medianLeadDays(), f.churned(), f.caught()});
    add.accept("precision_at_capacity", new Object[] {nullIfNaN(f.precisionAtCapacity()), f.capacityRows(),
        f.capacityChurned()});
    add.accept("flagged_share", new Object[] {nullIfNaN(f.flaggedShare()), f.snapshots(), f.flagged()});
    add.accept("base_rate", new Object[] {nullIfNaN(f.baseRate()), f.snapshots(), f.snapshotsChurned()});
    return rows;
  }

  private static Double nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /** The run date's customers: probability, rank and reasons when the model is on, the reason when it is off. */
  static Dataset<Row> predictions(SparkSession spark, Dataset<Row> rows, LocalDate date, ChurnModelRun.Outcome outcome,
      ChurnModelSettings settings) {
    Dataset<Row> today = rows.where(col(ChurnTrainingSet.TIME).equalTo(lit(Date.valueOf(date))))
        .withColumn(ChurnModel.SPLIT, lit("score")).withColumn(ChurnModel.LABEL, lit(null).cast("double"));
    if (!outcome.on()) {
      return today.select(col(ChurnTrainingSet.TIME).as("snapshot_date"), col(ChurnTrainingSet.ID).as("account_id"),
          lit("off").as("model_status"), lit(outcome.reason()).as("status_reason"), lit(null).cast("string").as("model_version"),
          lit(null).cast("string").as("model_kind"), lit(null).cast("int").as("horizon_days"),
          lit(null).cast("double").as("churn_probability"), lit(null).cast("double").as("margin"),
          lit(null).cast("double").as("base_margin"), lit(null).cast("long").as("risk_rank"),
          lit(null).cast(ModelTables.CHURN_PREDICTIONS.schema().apply("top_reasons").dataType()).as("top_reasons"));
    }
    Dataset<Row> scored = outcome.fitted().score(today, ChurnTrainingSet.ID);
    return scored.select(lit(Date.valueOf(date)).as("snapshot_date"), col("id").as("account_id"),
        lit("on").as("model_status"), lit(outcome.reason()).as("status_reason"),
        lit(outcome.entry().version()).as("model_version"), lit(outcome.entry().kind()).as("model_kind"),
        lit(settings.horizonDays()).as("horizon_days"), col("probability").as("churn_probability"), col("margin"),
        col("intercept").as("base_margin"),
        row_number().over(Window.orderBy(col("probability").desc(), col("id"))).cast("long").as("risk_rank"),
        col("reasons").as("top_reasons"));
  }

  /**
   * The newest snapshot whose outcome is now known (at least a horizon before the run date) and
   * which the table has predictions of a model that was on: the one the drift check judges.
   */
  static Optional<Date> driftSnapshot(SparkSession spark, RunContext run, ChurnModelSettings settings) {
    LocalDate known = run.runDate().minusDays(settings.horizonDays());
    Row newest = DeltaIO.readOrEmpty(spark, run.lake(), ModelTables.CHURN_PREDICTIONS)
        .where(col("model_status").equalTo("on").and(col("snapshot_date").leq(lit(Date.valueOf(known)))))
        .agg(org.apache.spark.sql.functions.max("snapshot_date")).first();
    return newest.isNullAt(0) ? Optional.empty() : Optional.of(newest.getDate(0));
  }

  /**
   * The predictions made on {@code snapshot} judged against what happened: their AUC beside the
   * backtest AUC of the version that made them; a drop above {@code churn-model.drift-auc-drop} is drift.
   */
  static Optional<Row> drift(SparkSession spark, RunContext run, Dataset<Row> rows, Date snapshot,
      ChurnModelSettings settings, ChurnModelRun.Outcome outcome) {
    List<Row> judged = DeltaIO.readOrEmpty(spark, run.lake(), ModelTables.CHURN_PREDICTIONS)
        .where(col("model_status").equalTo("on").and(col("snapshot_date").equalTo(lit(snapshot))))
        .join(rows.where(col(ChurnModel.LABEL).isNotNull().and(col(ChurnTrainingSet.ELIGIBLE)))
            .select(col(ChurnTrainingSet.ID).as("account_id"), col(ChurnTrainingSet.TIME).as("snapshot_date"),
                col(ChurnModel.LABEL)), new String[] {"account_id", "snapshot_date"})
        .select("label", "churn_probability", "model_version").collectAsList();
    if (judged.isEmpty()) {
      return Optional.empty();
    }
    double[] labels = judged.stream().mapToDouble(r -> r.getDouble(0)).toArray();
    double[] scores = judged.stream().mapToDouble(r -> r.getDouble(1)).toArray();
    double auc = RankingMetrics.aucRoc(labels, scores);
    String version = judged.get(0).getString(2);
    Optional<Double> backtest = new ModelRegistry(spark, run.lake()).version(version)
        .map(e -> BacktestFigures.find(e.figures(), e.kind(), "auc_roc")).map(Figure::value);
    String note = String.format(Locale.ROOT, "predictions of %s judged now their %d-day outcome is known: AUC %.3f",
        snapshot, settings.horizonDays(), auc);
    if (backtest.isPresent()) {
      double drop = backtest.get() - auc;
      note += String.format(Locale.ROOT, " against %.3f in the backtest of %s", backtest.get(), version);
      if (drop > settings.driftAucDrop()) {
        note += String.format(Locale.ROOT, "; DRIFT: %.3f lower, more than churn-model.drift-auc-drop %.2f", drop,
            settings.driftAucDrop());
        LOG.warn("churn-predictions: {}", note);
      }
    }
    long churned = (long) java.util.Arrays.stream(labels).sum();
    return Optional.of(RowFactory.create(Date.valueOf(run.runDate()), version, "production", "auc_roc", auc, null, null,
        (long) labels.length, churned, snapshot.toString(),
        Date.valueOf(outcome.on() ? outcome.entry().trainedOn() : run.runDate().toString()), note));
  }
}
