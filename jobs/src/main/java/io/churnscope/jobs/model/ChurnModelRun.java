package io.churnscope.jobs.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.run.RunContext;
import io.churnscope.jobs.model.BacktestFigures.Figure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One night's churn model: reuse the registered model while it is young enough, else check the
 * gates, backtest both model families, fit the better one on every labelled snapshot and register
 * it (docs/churn-model.md, "Gates", "Registry").
 */
final class ChurnModelRun {
  private static final Logger LOG = LoggerFactory.getLogger(ChurnModelRun.class);

  /** What the night's model is: on (with its registry entry and fitted model) or off (with the reason). */
  record Outcome(String status, String reason, ModelRegistry.Entry entry, ChurnModel.Fitted fitted,
      List<Gate> gates, String warning) {
    boolean on() {
      return "on".equals(status);
    }

    /** marts.churn_model_metrics rows: the gates' numbers, then (model on) every backtest figure. */
    List<Row> metricRows(LocalDate runDate) {
      List<Row> rows = new ArrayList<>();
      String version = on() ? entry.version() : "none";
      Date trainedOn = Date.valueOf(on() ? entry.trainedOn() : runDate.toString());
      String cutoffs = on() ? String.join(",", entry.cutoffs()) : "";
      long testRows = on() ? entry.testRows() : 0;
      long testChurned = on() ? entry.testChurned() : 0;
      String note = status + ": " + reason + (warning.isEmpty() ? "" : "; " + warning);
      for (Gate g : gates) {
        rows.add(RowFactory.create(Date.valueOf(runDate), version, "gates", g.name(), g.value(), null, null, testRows,
            testChurned, cutoffs, trainedOn, g.describe()));
      }
      if (on()) {
        for (Figure f : entry.figures()) {
          rows.add(RowFactory.create(Date.valueOf(runDate), version, f.ranker(), f.metric(), f.value(), f.low(), f.high(),
              testRows, testChurned, cutoffs, trainedOn, note));
        }
      }
      return rows;
    }
  }

  /** A gate: the number measured and the number needed. */
  record Gate(String name, double value, double needed, String unit) {
    boolean passed() {
      return value >= needed;
    }

    String describe() {
      return String.format(Locale.ROOT, "%s %s, %s needed", number(value), unit, number(needed));
    }

    private static String number(double v) {
      return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
  }

  private final RunContext run;
  private final ChurnModelSettings settings;
  private final List<String> numeric;
  private final ModelRegistry registry;

  ChurnModelRun(SparkSession spark, RunContext run, ChurnModelSettings settings, List<String> numeric) {
    this.run = run;
    this.settings = settings;
    this.numeric = numeric;
    this.registry = new ModelRegistry(spark, run.lake());
  }

  /**
   * The registered model, when it was trained on this specification less than
   * {@code churn-model.retrain-every-days} ago: the night then needs no training rows (and no backtest).
   */
  Optional<Outcome> reuse() {
    Optional<ModelRegistry.Entry> latest = registry.latest(run.runDate());
    Optional<ModelRegistry.OffDecision> off = registry.latestOff(run.runDate());
    // The newest decision counts. A model registered on a day removes that day's off decision, so an off
    // decision of the model's own day came after it.
    boolean offIsNewer = off.isPresent()
        && (latest.isEmpty() || !off.get().decidedOnDate().isBefore(latest.get().trainedOnDate()));
    if (offIsNewer) {
      // The model's latest state is off: keep it while young, with the same gates and settings.
      ModelRegistry.OffDecision decision = off.get();
      if (decision.specification().equals(offSpecification())
          && ChronoUnit.DAYS.between(decision.decidedOnDate(), run.runDate()) < settings.retrainEveryDays()) {
        return Optional.of(new Outcome("off", decision.reason() + " (as decided on " + decision.decidedOn()
            + "; decided again after churn-model.retrain-every-days " + settings.retrainEveryDays() + ")", null, null,
            decision.gates(), ""));
      }
      return Optional.empty();
    }
    if (latest.isPresent() && latest.get().specification().equals(specification())
        && ChronoUnit.DAYS.between(latest.get().trainedOnDate(), run.runDate()) < settings.retrainEveryDays()) {
      ModelRegistry.Entry entry = latest.get();
      String reason = "reused " + entry.version() + ", trained " + entry.trainedOn() + " (churn-model.retrain-every-days "
          + settings.retrainEveryDays() + "); " + entry.statusReason();
      return Optional.of(new Outcome("on", reason, entry, registry.load(entry), List.of(), ""));
    }
    return Optional.empty();
  }

  /**
   * Check the gates, backtest both families and register the better one fitted on every labelled row.
   *
   * @param rows {@link ChurnTrainingSet#build} over every snapshot up to the run date
   */
  Outcome train(Dataset<Row> rows) {
    Dataset<Row> labelled = rows.where(col(ChurnModel.LABEL).isNotNull().and(col(ChurnTrainingSet.ELIGIBLE)));
    // A churn is a positive of every snapshot within a horizon before it: events are counted once.
    Row stats = labelled.agg(org.apache.spark.sql.functions.min(ChurnTrainingSet.TIME),
        org.apache.spark.sql.functions.count(lit(1)), org.apache.spark.sql.functions.sum(ChurnModel.LABEL),
        count_distinct(when(col(ChurnModel.LABEL).equalTo(1.0), col(ChurnTrainingSet.REASON))),
        count_distinct(when(col(ChurnModel.LABEL).equalTo(1.0), col(ChurnTrainingSet.ID)),
            col(ChurnTrainingSet.CHURN_DATE))).first();
    double historyDays = stats.isNullAt(0) ? 0
        : ChronoUnit.DAYS.between(stats.getDate(0).toLocalDate(), run.runDate());
    double churned = stats.isNullAt(2) ? 0 : stats.getDouble(2);
    long events = stats.getLong(4);
    List<Gate> gates = new ArrayList<>(List.of(
        new Gate("horizons_of_history", historyDays / settings.horizonDays(), settings.gates().horizons(),
            "horizons of " + settings.horizonDays() + " days of customer snapshots before the run date"),
        new Gate("training_churn_events", events, settings.gates().trainingEvents(),
            "established churn events in the training snapshots"),
        new Gate("churn_reasons", stats.getLong(3), settings.gates().eventTypes(), "distinct churn reasons among them")));
    List<LocalDate> cutoffs = cutoffs(labelled);
    gates.add(new Gate("backtest_cutoffs", cutoffs.size(), settings.gates().cutoffs(),
        "monthly cut-offs with known outcomes"));
    if (gates.stream().anyMatch(g -> !g.passed())) {
      return off(gates);
    }
    ChurnBacktest.Spec spec = new ChurnBacktest.Spec(ChurnTrainingSet.ID, ChurnTrainingSet.TIME, settings.features(),
        numeric, settings.horizonDays(), settings.testShare(), settings.seed(), ChurnTrainingSet.RULES_RISK,
        settings.permutations(), ChurnPredictionsStage.KINDS);
    ChurnBacktest.Result backtest = ChurnBacktest.run(
        rows.withColumn(ChurnModel.LABEL, when(col(ChurnTrainingSet.ELIGIBLE), col(ChurnModel.LABEL))), spec, cutoffs,
        settings.parallelism());
    gates.add(new Gate("holdout_churn_events", backtest.churnedAccounts(), settings.gates().holdoutEvents(),
        "churned accounts among the backtest's test rows"));
    if (gates.stream().anyMatch(g -> !g.passed())) {
      return off(gates);
    }
    List<Figure> figures = BacktestFigures.compute(backtest.outcomes(), backtest.rankers(), ChurnBacktest.RULES,
        settings.csmCapacity(), settings.replicates(), settings.seed());
    ChurnModel.Kind best = ChurnPredictionsStage.KINDS.stream()
        .max(Comparator.comparingDouble(k -> BacktestFigures.find(figures, k.id(), "auc_roc").value())).orElseThrow();
    Row window = labelled.agg(org.apache.spark.sql.functions.min(ChurnTrainingSet.TIME),
        org.apache.spark.sql.functions.max(ChurnTrainingSet.TIME)).first();
    ChurnModel.Fitted fitted = ChurnModel.fit(labelled, settings.features(), numeric, best, settings.seed());
    double auc = BacktestFigures.find(figures, best.id(), "auc_roc").value();
    String warning = auc > settings.leakageAuc()
        ? String.format(Locale.ROOT, "LEAKAGE? backtest AUC %.3f above churn-model.leakage-warning-auc %.2f: check the "
            + "strongest features %s for information from after the snapshot date", auc, settings.leakageAuc(),
            fitted.weights().stream().limit(5).map(ChurnModel.Weight::feature).toList())
        : "";
    if (!warning.isEmpty()) {
      LOG.warn("churn-predictions: {}", warning);
    }
    String reason = gates.stream().map(g -> g.name() + " " + g.describe()).reduce((a, b) -> a + "; " + b).orElse("");
    String version = "churn-" + run.runDate() + "-" + specification().substring(0, 8);
    ModelRegistry.Entry entry = new ModelRegistry.Entry(version, run.runDate().toString(), best.id(), specification(),
        settings.features(), numeric, settings.horizonDays(), window.getDate(0).toString(), window.getDate(1).toString(),
        (long) stats.getLong(1), (long) churned, fitted.platt().a(), fitted.platt().b(), fitted.slotFeatures(),
        fitted.scorer() instanceof ChurnModel.Linear l ? l.coefficients() : new double[0],
        fitted.scorer() instanceof ChurnModel.Linear l2 ? l2.intercept() : fitted.scorer().base(),
        cutoffs.stream().map(LocalDate::toString).toList(), backtest.outcomes().size(), backtest.testChurned(), figures,
        reason);
    registry.save(entry, fitted);
    registry.removeOff(run.runDate());
    LOG.info("churn-predictions: model {} ({}) registered at {}: {}", version, best.id(), registry.location(version),
        figures.stream().filter(f -> f.metric().equals("auc_roc")).map(BacktestFigures::describe).toList());
    return new Outcome("on", reason, entry, fitted, gates, warning);
  }

  /** The model stays off: said, and recorded so the next nights reuse the decision ({@link #reuse}). */
  private Outcome off(List<Gate> gates) {
    String reason = gates.stream().filter(g -> !g.passed()).map(Gate::describe).reduce((x, y) -> x + "; " + y)
        .orElse("");
    LOG.warn("churn-predictions: model off, {}; the health scorecards run without churn_probability", reason);
    registry.saveOff(new ModelRegistry.OffDecision(run.runDate().toString(), offSpecification(), reason, gates));
    return new Outcome("off", reason, null, null, gates, "");
  }

  /** The model's specification and the gates: an off decision holds while neither changes. */
  String offSpecification() {
    ChurnModelSettings.Gates g = settings.gates();
    return specification() + ";" + g.horizons() + ";" + g.trainingEvents() + ";" + g.holdoutEvents() + ";"
        + g.eventTypes() + ";" + g.cutoffs();
  }

  /** The latest {@code churn-model.backtest.cutoffs} month-end snapshots with known outcomes, oldest first. */
  private List<LocalDate> cutoffs(Dataset<Row> labelled) {
    List<LocalDate> monthEnds = new ArrayList<>();
    for (Row r : labelled.select(ChurnTrainingSet.TIME).distinct().collectAsList()) {
      LocalDate d = r.getDate(0).toLocalDate();
      if (d.getDayOfMonth() == d.lengthOfMonth()) {
        monthEnds.add(d);
      }
    }
    return ChurnBacktest.cutoffs(monthEnds, settings.cutoffs(), settings.horizonDays());
  }

  /** A hash of everything that shapes the model: another value retrains. */
  String specification() {
    String text = String.join("|", settings.features()) + ";" + settings.horizonDays() + ";" + settings.cutoffs() + ";"
        + settings.testShare() + ";" + settings.seed() + ";" + settings.permutations() + ";" + settings.replicates()
        + ";" + settings.csmCapacity() + ";" + ChurnPredictionsStage.KINDS;
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
