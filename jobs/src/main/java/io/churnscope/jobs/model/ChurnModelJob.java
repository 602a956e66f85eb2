package io.churnscope.jobs.model;

import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameter;
import io.churnscope.common.UserError;
import io.churnscope.common.cli.JobArgs;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.jobs.hotspots.InputTable;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Command {@code churn-model}: a calibrated churn model on any table, with a stratified holdout and
 * every prediction's reasons (docs/churn-model.md).
 *
 * <pre>
 * bin/churnscope churn-model --input DATASETS/ibm-telco/Telco-Customer-Churn.csv --label Churn \
 *   --features tenure,Contract,InternetService,PaymentMethod,MonthlyCharges,TechSupport --id customerID \
 *   --output /tmp/telco-model
 * </pre>
 *
 * Writes {@code OUTPUT/predictions} (id, split, label, margin, probability, reasons) and
 * {@code OUTPUT/metrics} (per split: rows, churned, AUC-ROC, AUC-PR, Brier) as Delta tables, replaced
 * on every run, and prints the holdout's figures and the strongest features.
 */
public final class ChurnModelJob {
  public static class Args extends JobArgs {
    @Parameter(names = "--input", required = true,
        description = "The table: a Delta table folder, a Parquet file or folder, or a CSV file with a header.")
    public String input;

    @Parameter(names = "--format", description = "auto (by _delta_log or extension), delta, parquet or csv.")
    public String format = "auto";

    @Parameter(names = "--label", required = true, description = "The churn column: boolean, 0/1 or yes/no.")
    public String label;

    @Parameter(names = "--features", required = true,
        description = "Comma-separated feature columns: numbers are standardised (missing: the training median), text one-hot encoded.")
    public List<String> features;

    @Parameter(names = "--id", required = true, description = "The row id column: carried to the predictions, draws the holdout.")
    public String id;

    @Parameter(names = "--time", description = "A date column: instead of a random holdout, a rolling-origin backtest "
        + "over its latest --cutoffs dates (train on rows at least --horizon-days before each, test on other ids' rows of it).")
    public String time;

    @Parameter(names = "--horizon-days", description = "With --time: days after a row's date until its label is known; "
        + "a cut-off trains only on rows this much older.")
    public int horizonDays = 0;

    @Parameter(names = "--cutoffs", description = "With --time: how many of the latest dates are cut-offs.")
    public int cutoffs = 3;

    @Parameter(names = "--holdout", description = "Share of each class held out for the test split, in (0, 1).")
    public double holdout = 0.25;

    @Parameter(names = "--seed", description = "Seed of the holdout draw: the same seed holds out the same rows.")
    public long seed = 42;

    @Parameter(names = "--output", required = true, description = "Root of OUTPUT/predictions and OUTPUT/metrics.")
    public String output;

    /** No lake needed: the input and output are paths of their own. */
    @Override
    public void validate() {
      config();
      if (!(holdout > 0 && holdout < 1)) {
        throw new UserError("--holdout " + holdout + ": must be between 0 and 1, e.g. 0.25");
      }
      if (horizonDays < 0 || cutoffs < 1) {
        throw new UserError("--horizon-days must be 0 or more and --cutoffs at least 1");
      }
    }
  }

  private ChurnModelJob() {}

  public static void main(String[] argv) throws Exception {
    JobRunner.main("churn-model", argv, new Args(), ChurnModelJob::run);
  }

  public static ChurnModel.Result run(SparkSession spark, Args args) {
    Dataset<Row> input = InputTable.read(spark, args.input, args.format);
    if (args.time != null) {
      backtest(spark, input, args);
      return null;
    }
    ChurnModel.Result result = ChurnModel.train(input, args.label,
        args.features.stream().map(String::trim).filter(f -> !f.isEmpty()).toList(), args.id, args.holdout, args.seed);
    result.predictions().write().format("delta").mode("overwrite").option("overwriteSchema", "true")
        .save(args.output + "/predictions");
    spark.createDataFrame(result.metrics().stream().map(ChurnModel.Metrics::row).toList(), ChurnModel.Metrics.SCHEMA).write().format("delta").mode("overwrite")
        .option("overwriteSchema", "true").save(args.output + "/metrics");
    for (ChurnModel.Metrics m : result.metrics()) {
      System.out.println(String.format(Locale.ROOT, "churn-model %s: %d rows, %d churned (%.1f %%), AUC-ROC %.3f, "
          + "AUC-PR %.3f (base rate %.3f), Brier %.4f", m.split(), m.rows(), m.churned(), 100 * m.baseRate(), m.aucRoc(),
          m.aucPr(), m.baseRate(), m.brier()));
    }
    System.out.println("churn-model: strongest features " + result.weights().stream().limit(5)
        .map(w -> String.format(Locale.ROOT, "%s (%+.2f)", w.feature(), w.coefficient())).toList());
    System.out.println("churn-model: predictions with their reasons in " + args.output + "/predictions");
    return result;
  }

  /**
   * {@code --time}: the rolling-origin backtest of both model families beside a random ranking and
   * the shuffled-label control, with bootstrap intervals → OUTPUT/predictions (every test row of every
   * cut-off with each ranker's score) and OUTPUT/metrics (docs/churn-model.md).
   */
  static List<BacktestFigures.Figure> backtest(SparkSession spark, Dataset<Row> input, Args args) {
    List<String> features = args.features.stream().map(String::trim).filter(f -> !f.isEmpty()).toList();
    if (!java.util.Arrays.asList(input.columns()).contains(args.time)) {
      throw new UserError("--time " + args.time + ": no such column; the table has " + java.util.Arrays.toString(input.columns()));
    }
    Dataset<Row> dated = input.withColumn("_time_text", org.apache.spark.sql.functions.col(args.time).cast("string"))
        .withColumn(args.time, org.apache.spark.sql.functions.col("_time_text").try_cast("date"));
    Row undated = dated.where(org.apache.spark.sql.functions.col(args.time).isNull())
        .agg(org.apache.spark.sql.functions.count(lit(1)), org.apache.spark.sql.functions.min("_time_text")).first();
    if (undated.getLong(0) > 0) {
      // Said, not silently dropped: a row without a date cannot sit on either side of a cut-off.
      System.out.println("churn-model: " + undated.getLong(0) + " rows left out of the backtest: --time " + args.time
          + " is empty or not a date (yyyy-MM-dd)" + (undated.isNullAt(1) ? "" : ", e.g. '" + undated.getString(1) + "'"));
    }
    Dataset<Row> rows = dated.where(org.apache.spark.sql.functions.col(args.time).isNotNull()).drop("_time_text");
    List<String> numeric = ChurnModel.numericFeatures(rows, features);
    Dataset<Row> prepared = ChurnModel.prepare(rows, args.label, features, numeric).cache();
    List<java.time.LocalDate> dates = prepared.select(args.time).distinct().collectAsList().stream()
        .map(r -> r.getDate(0).toLocalDate()).toList();
    List<java.time.LocalDate> cutoffs = ChurnBacktest.cutoffs(dates, args.cutoffs, args.horizonDays);
    if (cutoffs.isEmpty()) {
      throw new UserError("--time " + args.time + ": no date has rows " + args.horizonDays + " days before it to train on");
    }
    // The controls and intervals as the nightly stage's backtest has them (churn-model.backtest.*).
    ChurnModelSettings nightly = ChurnModelSettings.from(args.config());
    ChurnBacktest.Spec spec = new ChurnBacktest.Spec(args.id, args.time, features, numeric, args.horizonDays,
        args.holdout, args.seed, null, nightly.permutations(), List.of(ChurnModel.Kind.LOGISTIC_REGRESSION,
        ChurnModel.Kind.GRADIENT_BOOSTED_TREES));
    ChurnBacktest.Result result = ChurnBacktest.run(prepared, spec, cutoffs, nightly.parallelism());
    List<BacktestFigures.Figure> figures = BacktestFigures.compute(result.outcomes(), result.rankers(),
        ChurnBacktest.RANDOM, nightly.csmCapacity(), nightly.replicates(), args.seed);
    org.apache.spark.sql.types.StructType predictionSchema = new org.apache.spark.sql.types.StructType()
        .add("id", "string").add("split", "string").add("label", "double").add("logistic_regression", "double")
        .add("gradient_boosted_trees", "double");
    spark.createDataFrame(result.outcomes().stream().map(o -> org.apache.spark.sql.RowFactory.create(o.account(),
        o.snapshot(), o.label(), o.scores()[0], o.scores()[1])).toList(), predictionSchema)
        .write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(args.output + "/predictions");
    org.apache.spark.sql.types.StructType metricSchema = new org.apache.spark.sql.types.StructType()
        .add("ranker", "string").add("metric", "string").add("value", "double").add("ci_low", "double")
        .add("ci_high", "double");
    spark.createDataFrame(figures.stream().map(f -> org.apache.spark.sql.RowFactory.create(f.ranker(), f.metric(),
        f.value(), f.low(), f.high())).toList(), metricSchema)
        .write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(args.output + "/metrics");
    prepared.unpersist();
    System.out.println("churn-model: rolling-origin backtest over " + cutoffs + ", " + result.outcomes().size()
        + " test rows");
    figures.stream().filter(f -> f.metric().equals("auc_roc"))
        .forEach(f -> System.out.println("churn-model: " + BacktestFigures.describe(f)));
    return figures;
  }
}
