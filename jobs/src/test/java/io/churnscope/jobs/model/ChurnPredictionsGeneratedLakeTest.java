package io.churnscope.jobs.model;

import static org.apache.spark.sql.functions.col;
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
import io.churnscope.common.schema.ModelTables;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.generator.SampleLakeGenerator;
import io.churnscope.jobs.nightly.NightlyJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code churn-predictions} in the nightly on a small generated lake (scale 0.1, 24 months): with the
 * default gates the lake is too small and the model is off, saying which check failed and by how
 * much; with gates lowered for the test it trains, backtests, registers, predicts with reasons, and a
 * later run inside churn-model.retrain-every-days reuses the registered model.
 */
class ChurnPredictionsGeneratedLakeTest extends SparkTestBase {
  static final LocalDate END = LocalDate.parse("2026-10-31");
  static final LocalDate NEXT = LocalDate.parse("2026-11-01");
  static final Map<String, String> LOW_GATES = Map.of("churn-model.gates.training-churn-events", "10",
      "churn-model.gates.holdout-churn-events", "3", "churn-model.gates.churn-reasons", "2",
      "churn-model.backtest.bootstrap-replicates", "50", "churn-model.backtest.shuffled-label-runs", "3");

  @TempDir
  static Path dir;
  static Lake lake;
  static Lake gated;

  @BeforeAll
  static void generateAndRun() throws Exception {
    lake = new Lake(dir.resolve("lake").toString());
    SampleLakeGenerator.Args generate = new SampleLakeGenerator.Args();
    JCommander.newBuilder().addObject(generate).build().parse("--lake", lake.root(), "--scale", "0.1",
        "--history-months", "24", "--usage-days", "60", "--end-date", END.toString());
    SampleLakeGenerator.run(spark(), generate);
    List<io.churnscope.common.run.Stage> stages = Dag.withUpstream(NightlyJob.dag(), List.of("churn-predictions"));
    long started = System.nanoTime();
    StageRunner.runAll(spark(), RunContext.start(END, lake, ChurnscopeConfig.load(null, LOW_GATES)), stages)
        .forEach(e -> System.out.println(e.stage() + ": " + e.durationMs() + " ms; " + e.result().message()));
    System.out.printf("nightly up to churn-predictions: %d ms%n", (System.nanoTime() - started) / 1_000_000);
    // The same lake copied, run with the default gates.
    gated = new Lake(dir.resolve("gated").toString());
    copy(Path.of(lake.root()), Path.of(gated.root()));
    org.apache.commons.io.FileUtils.deleteDirectory(Path.of(gated.root(), "_models").toFile());
    StageRunner.runAll(spark(), RunContext.start(END, gated, ChurnscopeConfig.defaults()),
        List.of(new ChurnPredictionsStage()));
  }

  static void copy(Path from, Path to) throws java.io.IOException {
    org.apache.commons.io.FileUtils.copyDirectory(from.toFile(), to.toFile());
  }

  static Dataset<Row> table(Lake on, io.churnscope.common.lake.TableSpec t) {
    return DeltaIO.read(spark(), on, t);
  }

  @Test
  void withTheDefaultGatesTheSmallLakeRunsWithTheModelOffAndSaysWhy() {
    List<Row> predictions = table(gated, ModelTables.CHURN_PREDICTIONS).collectAsList();
    assertFalse(predictions.isEmpty());
    for (Row r : predictions) {
      assertEquals("off", r.getAs("model_status"));
      assertTrue(r.<String>getAs("status_reason").contains("needed"), r.<String>getAs("status_reason"));
      assertTrue(r.isNullAt(r.fieldIndex("churn_probability")));
    }
    String reason = predictions.get(0).getAs("status_reason");
    assertTrue(reason.contains("established churn events in the training snapshots, 100 needed"), reason);
    List<Row> gates = table(gated, ModelTables.CHURN_MODEL_METRICS).where("ranker = 'gates'").collectAsList();
    assertTrue(gates.stream().anyMatch(g -> g.getAs("metric").equals("training_churn_events")
        && g.<Double>getAs("value") < 100), gates.toString());
  }

  @Test
  void theModelPredictsEveryCustomerWithReasonsThatSumToItsMargin() {
    long customers = table(lake, HealthTables.HEALTH_MEASURES)
        .where(col("snapshot_date").equalTo(java.sql.Date.valueOf(END)).and(col("lifecycle_stage").notEqual("trial")))
        .count();
    List<Row> predictions = table(lake, ModelTables.CHURN_PREDICTIONS).collectAsList();
    assertEquals(customers, predictions.size());
    for (Row r : predictions) {
      assertEquals("on", r.getAs("model_status"), r.<String>getAs("status_reason"));
      double p = r.getAs("churn_probability");
      assertTrue(p > 0 && p < 1, "probability " + p);
      List<Row> reasons = r.getList(r.fieldIndex("top_reasons"));
      assertTrue(reasons.size() <= 3 && !reasons.isEmpty());
      assertTrue(reasons.stream().allMatch(x -> x.getAs("value") != null), reasons.toString());
    }
    assertEquals(List.of(1L, (long) predictions.size()), List.of(
        predictions.stream().mapToLong(r -> r.getAs("risk_rank")).min().getAsLong(),
        predictions.stream().mapToLong(r -> r.getAs("risk_rank")).max().getAsLong()));
  }

  @Test
  void theBacktestComparesEveryRankerWithIntervals() {
    List<Row> metrics = table(lake, ModelTables.CHURN_MODEL_METRICS).where("ranker <> 'gates'").collectAsList();
    for (String ranker : List.of("logistic_regression", "gradient_boosted_trees", "rules_score", "random",
        "shuffled_label")) {
      assertTrue(metrics.stream().anyMatch(m -> m.getAs("ranker").equals(ranker) && m.getAs("metric").equals("auc_roc")),
          ranker + " in " + metrics);
    }
    for (Row m : metrics) {
      double v = m.getAs("value");
      if (!Double.isNaN(v) && !m.isNullAt(m.fieldIndex("ci_low"))) {
        assertTrue(m.<Double>getAs("ci_low") <= v && v <= m.<Double>getAs("ci_high"), m.toString());
      }
      assertEquals(3, m.<String>getAs("cutoffs").split(",").length, m.toString());
    }
    metrics.stream().filter(m -> m.getAs("metric").equals("auc_roc")).forEach(m -> System.out.println("backtest " + m));
  }

  @Test
  void aLaterRunReusesTheRegisteredModel() throws Exception {
    Path models = Path.of(lake.root(), "_models", "churn");
    assertEquals(1, Files.list(models).count());
    Lake later = new Lake(dir.resolve("later").toString());
    copy(Path.of(lake.root()), Path.of(later.root()));
    StageRunner.runAll(spark(), RunContext.start(NEXT, later, ChurnscopeConfig.load(null, LOW_GATES)),
        Dag.withUpstream(NightlyJob.dag(), List.of("churn-predictions")));
    Row any = table(later, ModelTables.CHURN_PREDICTIONS).where(col("snapshot_date").equalTo(java.sql.Date.valueOf(NEXT)))
        .first();
    assertTrue(any.<String>getAs("status_reason").startsWith("reused churn-" + END), any.toString());
    assertEquals(1, Files.list(Path.of(later.root(), "_models", "churn")).count(), "no new version");
  }
}
