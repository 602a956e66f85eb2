package io.churnscope.jobs.model;

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

    @Parameter(names = "--time", description = "A time column for a rolling-origin backtest: not built yet.")
    public String time;

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
      if (time != null) {
        throw new UserError("--time: the rolling-origin backtest is not built yet; leave it out for a stratified holdout");
      }
    }
  }

  private ChurnModelJob() {}

  public static void main(String[] argv) throws Exception {
    JobRunner.main("churn-model", argv, new Args(), ChurnModelJob::run);
  }

  public static ChurnModel.Result run(SparkSession spark, Args args) {
    Dataset<Row> input = InputTable.read(spark, args.input, args.format);
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
}
