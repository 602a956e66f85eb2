package io.churnscope.jobs.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.Dag;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.StageRunner;
import io.churnscope.common.schema.HealthTables;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.ModelTables;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.generator.ChurnHazards;
import io.churnscope.generator.SampleLakeGenerator;
import io.churnscope.jobs.nightly.NightlyJob;
import io.churnscope.jobs.subscriptions.SubscriptionSettings;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly {@code churn-predictions} stage against the generator's planted truth (docs/churn-model.md,
 * "Measured"): on a lake whose churn has known leading drivers (distress episodes that show in NPS,
 * tickets, past-due spells and usage 2–4 months before the churn they cause; scale 0.8, 24 months, a
 * monthly hazard of 3 % so the backtest's test half holds enough churners for the default gates), the
 * stage runs with the default gates, its backtest's controls behave (shuffled labels at chance, every
 * figure inside its interval), and the oracle (the true probability given the latent state at each
 * cut-off, on the same test rows) bounds the model. The quality targets are not met on this
 * lake: see {@link #theModelIsOnAndItsControlsAreHonest}.
 * Every customer gets a probability with reasons; with gates the lake cannot meet the model is off and
 * says which check failed; a later run inside {@code churn-model.retrain-every-days} reuses the model.
 */
class ChurnModelPlantedDriversTest extends SparkTestBase {
  static final LocalDate END = LocalDate.parse("2026-10-31");
  static final String SCALE = "0.8";

  @TempDir
  static Path dir;
  static Lake lake;
  static List<Row> metrics;
  /**
   * Half the accounts only tested: 3 cut-offs then hold enough churners for the default 30. Three
   * shuffled-label runs and 100 resamples instead of 5 and 200 keep the suite's time (the control's
   * bounds below allow for the extra noise of a mean over three).
   */
  static ChurnscopeConfig config = ChurnscopeConfig.load(null, java.util.Map.of("churn-model.backtest.test-share", "0.5",
      "churn-model.backtest.shuffled-label-runs", "3", "churn-model.backtest.bootstrap-replicates", "100"));

  @BeforeAll
  static void generateAndRun() throws Exception {
    lake = new Lake(dir.resolve("lake").toString());
    SampleLakeGenerator.Args generate = new SampleLakeGenerator.Args();
    JCommander.newBuilder().addObject(generate).build().parse("--lake", lake.root(), "--scale", SCALE,
        "--history-months", "24", "--usage-days", "30", "--usage-intensity", "0.05", "--churn-hazard", "0.03", "--end-date", END.toString());
    long started = System.nanoTime();
    SampleLakeGenerator.run(spark(), generate);
    System.out.printf("generated in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    StageRunner.runAll(spark(), RunContext.start(END, lake, config),
            Dag.withUpstream(NightlyJob.dag(), List.of("cs-actions")))
        .forEach(e -> System.out.println(e.stage() + ": " + e.durationMs() + " ms; " + e.result().message()));
    metrics = DeltaIO.read(spark(), lake, ModelTables.CHURN_MODEL_METRICS).collectAsList();
    metrics.forEach(m -> System.out.println("figure " + m.getAs("ranker") + " " + m.getAs("metric") + " "
        + String.format(Locale.ROOT, "%.4f [%s, %s]", m.<Double>getAs("value"), m.getAs("ci_low"), m.getAs("ci_high"))
        + " " + m.getAs("note")));
  }

  static Row figure(String ranker, String metric) {
    return metrics.stream().filter(m -> m.getAs("ranker").equals(ranker) && m.getAs("metric").equals(metric))
        .findFirst().orElseThrow(() -> new AssertionError(ranker + " " + metric + " not in " + metrics));
  }

  static double value(String ranker, String metric) {
    return figure(ranker, metric).getAs("value");
  }

  static String served() {
    return DeltaIO.read(spark(), lake, ModelTables.CHURN_PREDICTIONS).select("model_kind").first().getString(0);
  }

  /**
   * Issue 21's targets are AUC ≥ 0.80, 0.03 above the rules and within 0.05 of the oracle. This lake's
   * backtest (3 cut-offs, 52 churned test rows) is too small to rank the rankers: with the planted signals
   * of 2026-12-07 the trees reached 0.62, the rules 0.69, each interval about ±0.09 (docs/churn-model.md,
   * "Measured"; on a scale-2 lake with 12 cut-offs the trees beat the rules by +0.14, paired interval above
   * 0, but that takes minutes the test suite does not have). What holds here, and is asserted: the model
   * is on, the control is at chance, every AUC lies in its interval, and the model does not beat the oracle.
   */
  @Test
  void theModelIsOnAndItsControlsAreHonest() {
    Row any = DeltaIO.read(spark(), lake, ModelTables.CHURN_PREDICTIONS).first();
    assertEquals("on", any.getAs("model_status"), any.<String>getAs("status_reason"));
    double shuffled = value("shuffled_label", "auc_roc");
    assertTrue(shuffled >= 0.42 && shuffled <= 0.58, "shuffled-label control " + shuffled);
    // Percentile intervals of a biased statistic (ECE, lift) need not hold its estimate; AUCs' do.
    for (Row m : metrics) {
      if (List.of("auc_roc", "auc_roc_gain").contains(m.<String>getAs("metric")) && !m.isNullAt(m.fieldIndex("ci_low"))) {
        assertTrue(m.<Double>getAs("ci_low") <= m.<Double>getAs("value") && m.<Double>getAs("value")
            <= m.<Double>getAs("ci_high"), m.toString());
      }
    }
    assertTrue(value(served(), "auc_roc") >= value("logistic_regression", "auc_roc")
        && value(served(), "auc_roc") >= value("gradient_boosted_trees", "auc_roc"), "the better family serves");
  }

  /** The oracle on the backtest's own test rows: the ceiling the model must come within 0.05 of. */
  @Test
  void theOracleBoundsTheModelOnTheSameTestRows() throws Exception {
    ChurnModelSettings s = ChurnModelSettings.from(config);
    ChurnHazards truth = ChurnHazards.read(lake.root());
    List<Date> cutoffs = java.util.Arrays.stream(figure(served(), "auc_roc").<String>getAs("cutoffs").split(","))
        .map(Date::valueOf).toList();
    ChurnBacktest.Spec spec = new ChurnBacktest.Spec(ChurnTrainingSet.ID, ChurnTrainingSet.TIME, s.features(), List.of(),
        s.horizonDays(), s.testShare(), s.seed(), null, 1, List.of());
    Dataset<Row> rows = ChurnTrainingSet.build(DeltaIO.read(spark(), lake, HealthTables.HEALTH_MEASURES),
        DeltaIO.read(spark(), lake, MartTables.CHURN_EVENTS), END, s.horizonDays(),
        SubscriptionSettings.from(config).stickPointDays(), s.features(), io.churnscope.jobs.health.HealthSettings.from(config));
    List<Row> test = rows.where(col(ChurnTrainingSet.TIME).isin(cutoffs.toArray()).and(col(ChurnTrainingSet.ELIGIBLE))
        .and(col(ChurnModel.LABEL).isNotNull()).and(ChurnBacktest.testAccount(spec)))
        .select(ChurnTrainingSet.ID, ChurnTrainingSet.TIME, ChurnModel.LABEL).collectAsList();
    double[] oracle = new double[test.size()];
    double[] labels = new double[test.size()];
    for (int i = 0; i < test.size(); i++) {
      Row r = test.get(i);
      oracle[i] = truth.probability(r.getString(0), r.getDate(1).toLocalDate(), s.horizonDays());
      labels[i] = r.getDouble(2);
    }
    assertEquals(figure(served(), "auc_roc").<Long>getAs("test_rows"), (long) test.size(), "the backtest's test rows");
    double oracleAuc = RankingMetrics.aucRoc(labels, oracle);
    double model = value(served(), "auc_roc");
    System.out.printf(Locale.ROOT, "oracle AUC %.3f, model %.3f, rules %.3f on %d test rows (%d churned)%n", oracleAuc,
        model, value("rules_score", "auc_roc"), test.size(), (long) java.util.Arrays.stream(labels).sum());
    assertTrue(model <= oracleAuc + 0.02, "nothing beats the oracle by more than noise: " + model + " vs " + oracleAuc);
    assertTrue(oracleAuc > 0.8, "the planted drivers make churn predictable in principle: " + oracleAuc);
  }

  /** The probability is a health measure like the others, and above churn_risk's threshold it lists the account. */
  @Test
  void theProbabilityScoresHealthAndPutsRiskyAccountsOnTheAtRiskList() {
    java.util.Map<String, Double> probability = new java.util.HashMap<>();
    DeltaIO.read(spark(), lake, ModelTables.CHURN_PREDICTIONS).collectAsList()
        .forEach(r -> probability.put(r.getAs("account_id"), r.getAs("churn_probability")));
    List<Row> scores = DeltaIO.read(spark(), lake, HealthTables.HEALTH_SCORES)
        .where(col("snapshot_date").equalTo(Date.valueOf(END)).and(col("lifecycle_stage").isin("adoption", "renewal")))
        .collectAsList();
    assertFalse(scores.isEmpty());
    for (Row r : scores) {
      Row measure = r.<Row>getList(r.fieldIndex("measures")).stream()
          .filter(m -> m.getAs("measure").equals("churn_probability")).findFirst()
          .orElseThrow(() -> new AssertionError("no churn_probability measure: " + r));
      assertEquals(probability.get(r.<String>getAs("account_id")), measure.<Double>getAs("raw_value"), 0.0);
    }
    java.util.Set<String> listed = new java.util.HashSet<>();
    DeltaIO.read(spark(), lake, io.churnscope.common.schema.HealthTables.CS_ACTIONS).where("rule = 'churn_risk'")
        .collectAsList().forEach(r -> listed.add(r.getAs("account_id")));
    java.util.Set<String> above = new java.util.HashSet<>();
    probability.forEach((account, p) -> {
      if (p > 0.3) {
        above.add(account);
      }
    });
    assertEquals(above, listed, "churn_risk lists exactly the customers above 0.3");
  }

  /**
   * The at-risk list judged against the churn that followed (docs/health.md, "Is the at-risk list
   * right?"): its figures agree with their own counts, and a caught account was listed at least the
   * lead days ahead. The target (80 % of churned accounts listed 30 days ahead) is printed,
   * not asserted: the list's size beside it says what the recall is worth.
   */
  @Test
  void theAtRiskListIsJudgedAgainstTheChurnThatFollowed() {
    Row recall = figure(io.churnscope.jobs.health.AtRiskListBacktest.RANKER, "recall");
    long churned = recall.getAs("test_rows");
    long caught = recall.getAs("test_churned");
    assertTrue(churned >= 30 && caught <= churned, recall.toString());
    assertEquals((double) caught / churned, recall.<Double>getAs("value"), 1e-12);
    double lead = value(io.churnscope.jobs.health.AtRiskListBacktest.RANKER, "median_lead_days");
    assertTrue(lead >= ChurnModelSettings.LIST_LEAD_DAYS.from(config) && lead <= 90, "median lead " + lead);
    Row flagged = figure(io.churnscope.jobs.health.AtRiskListBacktest.RANKER, "flagged_share");
    assertEquals((double) flagged.<Long>getAs("test_churned") / flagged.<Long>getAs("test_rows"),
        flagged.<Double>getAs("value"), 1e-12);
    Row precision = figure(io.churnscope.jobs.health.AtRiskListBacktest.RANKER, "precision_at_capacity");
    assertTrue(precision.<Long>getAs("test_rows") > 0 && precision.<Double>getAs("value") <= 1, precision.toString());
    System.out.println("at-risk list: " + recall.getAs("note"));
  }

  @Test
  void everyCustomerGetsAProbabilityWithReasons() {
    long customers = DeltaIO.read(spark(), lake, HealthTables.HEALTH_MEASURES)
        .where(col("snapshot_date").equalTo(Date.valueOf(END)).and(col("lifecycle_stage").notEqual("trial"))).count();
    List<Row> predictions = DeltaIO.read(spark(), lake, ModelTables.CHURN_PREDICTIONS).collectAsList();
    assertEquals(customers, predictions.size());
    for (Row r : predictions) {
      double p = r.getAs("churn_probability");
      assertTrue(p > 0 && p < 1, "probability " + p);
      List<Row> reasons = r.getList(r.fieldIndex("top_reasons"));
      assertTrue(!reasons.isEmpty() && reasons.size() <= 3, reasons.toString());
      assertTrue(reasons.stream().allMatch(x -> x.getAs("feature") != null && x.getAs("value") != null), reasons.toString());
    }
    List<Long> ranks = predictions.stream().map(r -> r.<Long>getAs("risk_rank")).sorted().toList();
    assertEquals(java.util.stream.LongStream.rangeClosed(1, predictions.size()).boxed().toList(), ranks);
  }

  @Test
  void gatesTheLakeCannotMeetTurnTheModelOffAndSayWhichFailed() throws Exception {
    Lake copy = copyOf("gated");
    StageRunner.runAll(spark(), RunContext.start(END, copy, ChurnscopeConfig.load(null,
        java.util.Map.of("churn-model.gates.training-churn-events", "100000", "churn-model.retrain-every-days", "0",
            // 24 month-ends of snapshots: fewer than 24 of them have a known outcome and a horizon before them.
            "churn-model.backtest.cutoffs", "24", "churn-model.gates.backtest-cutoffs", "24"))),
        List.of(new ChurnPredictionsStage()));
    List<Row> predictions = DeltaIO.read(spark(), copy, ModelTables.CHURN_PREDICTIONS).collectAsList();
    assertFalse(predictions.isEmpty());
    for (Row r : predictions) {
      assertEquals("off", r.getAs("model_status"));
      assertTrue(r.isNullAt(r.fieldIndex("churn_probability")));
      assertTrue(r.<String>getAs("status_reason").matches("\\d+ established churn events in the training snapshots, "
          + "100000 needed; (1\\d|2[0-3]) monthly cut-offs with known outcomes, 24 needed"), r.<String>getAs("status_reason"));
    }
    // The next night inside churn-model.retrain-every-days takes the decision as it was, without building the
    // training set again: the same reason, the gates' numbers carried; new gates decide again.
    java.util.Map<String, String> gated = java.util.Map.of("churn-model.gates.training-churn-events", "100000",
        "churn-model.backtest.cutoffs", "24", "churn-model.gates.backtest-cutoffs", "24",
        io.churnscope.common.config.RunSettings.SKIP_UNCHANGED.path(), "false");
    StageRunner.runAll(spark(), RunContext.start(END, copy, ChurnscopeConfig.load(null, gated)),
        List.of(new ChurnPredictionsStage()));
    Row kept = DeltaIO.read(spark(), copy, ModelTables.CHURN_PREDICTIONS).first();
    assertEquals("off", kept.getAs("model_status"));
    assertEquals(predictions.get(0).<String>getAs("status_reason") + " (as decided on " + END
        + "; decided again after churn-model.retrain-every-days 28)", kept.getAs("status_reason"));
    assertEquals(4, DeltaIO.read(spark(), copy, ModelTables.CHURN_MODEL_METRICS).where("ranker = 'gates'").count(),
        "the gates' numbers, carried");
    java.util.Map<String, String> otherGates = new java.util.HashMap<>(gated);
    otherGates.put("churn-model.gates.training-churn-events", "100001");
    StageRunner.runAll(spark(), RunContext.start(END, copy, ChurnscopeConfig.load(null, otherGates)),
        List.of(new ChurnPredictionsStage()));
    String decidedAgain = DeltaIO.read(spark(), copy, ModelTables.CHURN_PREDICTIONS).first().getAs("status_reason");
    assertTrue(decidedAgain.contains("100001 needed") && !decidedAgain.contains("as decided"), decidedAgain);
  }

  /** A re-run inside churn-model.retrain-every-days scores with the registered model: the same predictions. */
  @Test
  void aReRunReusesTheRegisteredModelAndPredictsTheSame() throws Exception {
    Lake again = copyOf("again");
    // Forced: with nothing changed the runner would not run the stage at all (StageFingerprint).
    StageRunner.runAll(spark(), RunContext.start(END, again, config.with(
        java.util.Map.of(io.churnscope.common.config.RunSettings.SKIP_UNCHANGED.path(), "false"))),
        List.of(new ChurnPredictionsStage()));
    Dataset<Row> rerun = DeltaIO.read(spark(), again, ModelTables.CHURN_PREDICTIONS);
    String reason = rerun.first().getAs("status_reason");
    assertTrue(reason.startsWith("reused churn-" + END), reason);
    assertEquals(1, java.nio.file.Files.list(Path.of(again.root(), "_models", "churn")).count(), "no new version");
    io.churnscope.common.testing.DatasetAssertions.assertSameRows(
        DeltaIO.read(spark(), lake, ModelTables.CHURN_PREDICTIONS).drop("status_reason"), rerun.drop("status_reason"));
  }

  /**
   * A feature that knows the future (whether an established churn follows within the horizon) on
   * every snapshot but one: the backtest's AUC near 1 prints the leakage warning naming it; on the
   * one snapshot where it is noise, the model's predictions — judged once their outcome is known, by a
   * later run that reuses the model — fall far below the backtest, and the run says DRIFT. The
   * judged AUC is recomputed here from the predictions and the churn events.
   */
  @Test
  void aFeatureThatKnowsTheFutureWarnsOfLeakageAndItsFailureShowsAsDrift() throws Exception {
    Lake leaky = copyOf("leaky");
    org.apache.commons.io.FileUtils.deleteDirectory(Path.of(leaky.root(), "_models").toFile());
    Date predicted = Date.valueOf("2026-06-30");
    Dataset<Row> measures = DeltaIO.read(spark(), leaky, HealthTables.HEALTH_MEASURES);
    Dataset<Row> churns = DeltaIO.read(spark(), leaky, MartTables.CHURN_EVENTS).where("churn_stage = 'established'")
        .select(col("account_id").as("c_id"), col("churn_date"));
    Dataset<Row> followed = measures.join(churns, col("c_id").equalTo(col("account_id"))
        .and(col("churn_date").gt(col("snapshot_date"))).and(col("churn_date").leq(
            org.apache.spark.sql.functions.date_add(col("snapshot_date"), 90))), "left_semi")
        .select(col("account_id"), col("snapshot_date"), lit(1.0).as("followed")).localCheckpoint();
    int stickPoint = SubscriptionSettings.from(config).stickPointDays();
    Dataset<Row> eligible = measures.where(col("tenure_days").geq(stickPoint)).select("account_id", "snapshot_date")
        .localCheckpoint();
    Dataset<Row> withLeak = measures.join(followed, new String[] {"account_id", "snapshot_date"}, "left")
        .withColumn("churn_follows", org.apache.spark.sql.functions.when(col("snapshot_date").equalTo(lit(predicted)),
            org.apache.spark.sql.functions.pmod(org.apache.spark.sql.functions.xxhash64(col("account_id")), lit(2))
                .cast("double"))
            .otherwise(org.apache.spark.sql.functions.coalesce(col("followed"), lit(0.0))))
        .drop("followed").localCheckpoint();
    withLeak.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
        .save(leaky.path(HealthTables.HEALTH_MEASURES));
    Path conf = dir.resolve("leaky.conf");
    java.nio.file.Files.writeString(conf, "churn-model { features = [churn_follows, mrr], retrain-every-days = 200,\n"
        + "  backtest { cutoffs = 1, test-share = 0.5, shuffled-label-runs = 1, bootstrap-replicates = 20 },\n"
        + "  gates { training-churn-events = 30, holdout-churn-events = 5, backtest-cutoffs = 1 } }\n");
    ChurnscopeConfig leakyConfig = ChurnscopeConfig.load(conf.toFile(), java.util.Map.of());

    StageRunner.runAll(spark(), RunContext.start(predicted.toLocalDate(), leaky, leakyConfig),
        List.of(new ChurnPredictionsStage()));
    List<Row> first = DeltaIO.read(spark(), leaky, ModelTables.CHURN_MODEL_METRICS)
        .where(col("run_date").equalTo(lit(predicted)).and(col("ranker").equalTo("logistic_regression"))).collectAsList();
    assertFalse(first.isEmpty(), "the model is on");
    assertTrue(first.stream().allMatch(r -> r.<String>getAs("note").contains("LEAKAGE? backtest AUC")
        && r.<String>getAs("note").contains("churn_follows")), first.get(0).<String>getAs("note"));

    StageRunner.runAll(spark(), RunContext.start(END, leaky, leakyConfig), List.of(new ChurnPredictionsStage()));
    Row production = DeltaIO.read(spark(), leaky, ModelTables.CHURN_MODEL_METRICS)
        .where(col("run_date").equalTo(lit(Date.valueOf(END))).and(col("ranker").equalTo("production"))).first();
    assertEquals(predicted.toString(), production.getAs("cutoffs"));
    List<Row> judged = DeltaIO.read(spark(), leaky, ModelTables.CHURN_PREDICTIONS)
        .where(col("snapshot_date").equalTo(lit(predicted)))
        .join(eligible, new String[] {"account_id", "snapshot_date"})
        .join(followed, new String[] {"account_id", "snapshot_date"}, "left")
        .select(org.apache.spark.sql.functions.coalesce(col("followed"), lit(0.0)), col("churn_probability"))
        .collectAsList();
    double[] labels = judged.stream().mapToDouble(r -> r.getDouble(0)).toArray();
    double[] scores = judged.stream().mapToDouble(r -> r.getDouble(1)).toArray();
    assertEquals(judged.size(), production.<Long>getAs("test_rows"));
    assertEquals(RankingMetrics.aucRoc(labels, scores), production.<Double>getAs("value"), 1e-12);
    assertTrue(production.<Double>getAs("value") < 0.65, production.toString());
    assertTrue(production.<String>getAs("note").contains("; DRIFT: "), production.<String>getAs("note"));
    // The later run reused the model: the at-risk list's figures are the first run's, carried.
    List<Row> list = DeltaIO.read(spark(), leaky, ModelTables.CHURN_MODEL_METRICS).where(col("run_date")
        .equalTo(lit(Date.valueOf(END))).and(col("ranker").equalTo(io.churnscope.jobs.health.AtRiskListBacktest.RANKER)))
        .collectAsList();
    assertEquals(5, list.size());
    assertTrue(list.stream().allMatch(r -> r.<String>getAs("note").startsWith("judged on " + predicted + ": ")),
        list.get(0).toString());
  }

  static Lake copyOf(String name) throws java.io.IOException {
    Lake copy = new Lake(dir.resolve(name).toString());
    org.apache.commons.io.FileUtils.copyDirectory(Path.of(lake.root()).toFile(), Path.of(copy.root()).toFile());
    return copy;
  }
}
