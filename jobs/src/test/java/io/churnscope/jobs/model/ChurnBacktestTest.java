package io.churnscope.jobs.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.jobs.model.BacktestFigures.Figure;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rolling-origin backtest on 600 synthetic accounts × 12 month-ends: a risk feature drives the
 * outcome, the rules see it with noise. Folds respect the horizon and never put an account on both
 * sides; the model beats a random ranking and the shuffled-label control lands near 0.5.
 */
class ChurnBacktestTest extends SparkTestBase {
  static final int ACCOUNTS = 600;
  static final List<LocalDate> CUTOFFS = List.of(LocalDate.parse("2025-10-31"), LocalDate.parse("2025-11-30"),
      LocalDate.parse("2025-12-31"));
  /** The risk and eight features of pure noise, as a real model carries many weak ones. */
  static final List<String> FEATURES = List.of("risk", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8");
  static final ChurnBacktest.Spec SPEC = new ChurnBacktest.Spec("account_id", "snapshot_date", FEATURES, FEATURES, 90,
      0.3, 17, "rules_risk", 5, List.of(ChurnModel.Kind.LOGISTIC_REGRESSION));
  static ChurnBacktest.Result result;
  static Dataset<Row> rows;

  @BeforeAll
  static void backtest() {
    SplittableRandom r = new SplittableRandom(5);
    List<Row> data = new ArrayList<>();
    for (int a = 0; a < ACCOUNTS; a++) {
      for (int m = 1; m <= 12; m++) {
        LocalDate snapshot = LocalDate.of(2025, m, 1).plusMonths(1).minusDays(1);
        double risk = r.nextGaussian();
        double p = 1 / (1 + Math.exp(-(-2.2 + 1.6 * risk)));
        Double label = r.nextDouble() < p ? 1.0 : 0.0;
        List<Object> values = new ArrayList<>(List.of("acc-" + a, Date.valueOf(snapshot)));
        values.add(label);
        values.add(risk + 1.5 * r.nextGaussian());
        values.add(risk);
        for (int n = 1; n < FEATURES.size(); n++) {
          values.add(r.nextGaussian());
        }
        data.add(RowFactory.create(values.toArray()));
      }
    }
    StructType schema = new StructType().add("account_id", DataTypes.StringType).add("snapshot_date", DataTypes.DateType)
        .add("label", DataTypes.DoubleType).add("rules_risk", DataTypes.DoubleType);
    for (String f : FEATURES) {
      schema = schema.add(f, DataTypes.DoubleType);
    }
    rows = spark().createDataFrame(data, schema).cache();
    // Every fold at once (churn-model.backtest.parallelism); oneFoldAtATimeGivesTheSameScores checks that it does not matter.
    result = ChurnBacktest.run(rows, SPEC, CUTOFFS, CUTOFFS.size());
  }

  /**
   * Folds trained at once in threads give every test row exactly the scores that folds trained one after
   * the other give (two of the cut-offs, to keep the suite's time): the parallelism is a speed setting only.
   */
  @Test
  void oneFoldAtATimeGivesTheSameScores() {
    List<LocalDate> two = CUTOFFS.subList(0, 2);
    ChurnBacktest.Result sequential = ChurnBacktest.run(rows, SPEC, two, 1);
    java.util.function.Function<List<BacktestFigures.Outcome>, List<String>> text = outcomes -> outcomes.stream()
        .filter(o -> two.stream().anyMatch(c -> c.toString().equals(o.snapshot())))
        .map(o -> o.account() + " " + o.snapshot() + " " + o.label() + " " + java.util.Arrays.toString(o.scores()))
        .sorted().toList();
    List<String> expected = text.apply(sequential.outcomes());
    assertTrue(expected.size() > 100, "test rows of two folds: " + expected.size());
    assertEquals(expected, text.apply(result.outcomes()));
  }

  @Test
  void foldsTrainOnlyOnOutcomesKnownAtTheCutoffAndNeverOnTestAccounts() {
    Set<String> testAccounts = new HashSet<>();
    for (Row r : rows.where(ChurnBacktest.testAccount(SPEC)).select("account_id").distinct().collectAsList()) {
      testAccounts.add(r.getString(0));
    }
    assertEquals(0.3, testAccounts.size() / (double) ACCOUNTS, 0.06);
    long trainAccounts = ACCOUNTS - testAccounts.size();
    // Cut-off 2025-10-31 − 90 days = 2025-08-02: the month-ends of January to July train (7 of them).
    assertEquals(7 * trainAccounts, result.folds().get(0).trainRows());
    assertEquals(8 * trainAccounts, result.folds().get(1).trainRows());
    assertEquals(9 * trainAccounts, result.folds().get(2).trainRows());
    for (ChurnBacktest.Fold f : result.folds()) {
      assertEquals(testAccounts.size(), f.testRows(), f.toString());
    }
    assertEquals(3L * testAccounts.size(), result.outcomes().size());
    assertEquals(1 + 1 + 1 + 5, result.outcomes().get(0).scores().length, "model, rules, random, 5 permutations");
    assertTrue(result.outcomes().stream().allMatch(o -> testAccounts.contains(o.account())));
  }

  @Test
  void churnModelWithATimeColumnRunsTheBacktestOnAnyTable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    String input = dir.resolve("input").toString();
    // Dates as text, as a CSV export has them, and three rows whose date is not one: said, then left out.
    Dataset<Row> asText = rows.drop("rules_risk").withColumn("snapshot_date", col("snapshot_date").cast("string"));
    asText.unionByName(asText.limit(3).withColumn("snapshot_date", lit("someday"))).write().parquet(input);
    ChurnModelJob.Args args = new ChurnModelJob.Args();
    args.input = input;
    args.label = "label";
    args.id = "account_id";
    args.time = "snapshot_date";
    args.horizonDays = 90;
    args.features = FEATURES;
    args.holdout = 0.3;
    args.seed = 17;
    args.output = dir.resolve("out").toString();
    // One shuffled-label run and 50 resamples: this test checks the plumbing, not the intervals.
    args.overrides.put("churn-model.backtest.shuffled-label-runs", "1");
    args.overrides.put("churn-model.backtest.bootstrap-replicates", "50");
    java.io.PrintStream console = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    List<Figure> figures;
    try {
      System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
      figures = ChurnModelJob.backtest(spark(), spark().read().parquet(input), args);
    } finally {
      System.setOut(console);
    }
    String said = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(said.contains("churn-model: 3 rows left out of the backtest: --time snapshot_date is empty or not a date "
        + "(yyyy-MM-dd), e.g. 'someday'"), said);
    assertEquals(result.outcomes().size(), spark().read().format("delta").load(args.output + "/predictions").count(),
        "the same test rows as the backtest on the clean rows");
    List<String> splits = spark().read().format("delta").load(args.output + "/predictions").select("split").distinct()
        .orderBy("split").collectAsList().stream().map(r -> r.getString(0)).toList();
    assertEquals(CUTOFFS.stream().map(LocalDate::toString).toList(), splits, "a split per cut-off");
    assertTrue(BacktestFigures.find(figures, ChurnBacktest.MODEL, "auc_roc").value() > 0.78);
    assertTrue(BacktestFigures.find(figures, ChurnModel.Kind.GRADIENT_BOOSTED_TREES.id(), "auc_roc").value() > 0.7);
    assertEquals(figures.size(), spark().read().format("delta").load(args.output + "/metrics").count());
  }

  @Test
  void theModelBeatsTheRulesAndChanceAndTheShuffledControlIsChance() {
    List<Figure> figures = BacktestFigures.compute(result.outcomes(), result.rankers(), ChurnBacktest.RULES, 20, 200, 3);
    Figure model = BacktestFigures.find(figures, ChurnBacktest.MODEL, "auc_roc");
    Figure gain = BacktestFigures.find(figures, ChurnBacktest.MODEL, BacktestFigures.AUC_GAIN);
    Figure shuffled = BacktestFigures.find(figures, ChurnBacktest.SHUFFLED, "auc_roc");
    Figure random = BacktestFigures.find(figures, ChurnBacktest.RANDOM, "auc_roc");
    // The true model's AUC on this design is about 0.84 (logit slope 1.6 on a standard normal).
    assertTrue(model.value() > 0.78, model.toString());
    assertTrue(gain.low() > 0, "the rules see the risk with noise: " + gain);
    // Mean of five permutations: a random direction among nine features ranks near chance on average.
    assertTrue(shuffled.value() > 0.4 && shuffled.value() < 0.6, shuffled.toString());
    assertTrue(random.low() < 0.5 && random.high() > 0.5, random.toString());
    assertTrue(BacktestFigures.find(figures, ChurnBacktest.MODEL, "ece").value() < 0.05,
        BacktestFigures.find(figures, ChurnBacktest.MODEL, "ece").toString());
  }
}
