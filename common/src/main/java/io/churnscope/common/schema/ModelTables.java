package io.churnscope.common.schema;

import static io.churnscope.common.schema.Columns.optional;
import static io.churnscope.common.schema.Columns.required;
import static io.churnscope.common.schema.Columns.schema;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import io.churnscope.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The churn model's outputs (docs/churn-model.md): each night's predictions and how well the model ranks. */
public final class ModelTables {
  private ModelTables() {}

  /** One reason of a prediction. Declared nullable because Delta refuses NOT NULL inside arrays. */
  public static final StructType REASON = schema(
      optional("feature", StringType, "A feature (a column of marts.health_measures)."),
      optional("attribution", DoubleType, "Its pull on the log-odds of churn for this account: the attributions of "
          + "all features sum to margin - base_margin."),
      optional("value", StringType, "The feature's value for this account on the snapshot date, as text."));

  public static final TableSpec CHURN_PREDICTIONS = new TableSpec(MartTables.ZONE, "churn_predictions", schema(
      required("snapshot_date", DateType, "The run date the prediction is made on; the partition column."),
      required("account_id", StringType, "A customer on the snapshot date (trials are not scored)."),
      required("model_status", StringType, "on: the model passed its gates and scored the account; off: it did not "
          + "(status_reason says why) and the other columns are null."),
      required("status_reason", StringType, "Why the model is on or off, with the numbers of the gates."),
      optional("model_version", StringType, "Registry version of the model (<lake>/_models/churn/<version>)."),
      optional("model_kind", StringType, "logistic_regression or gradient_boosted_trees: the one that ranked best "
          + "in its backtest."),
      optional("horizon_days", IntegerType, "The outcome predicted: established logo churn within this many days."),
      optional("churn_probability", DoubleType, "Calibrated (Platt) probability of churning within the horizon."),
      optional("margin", DoubleType, "The model's log-odds before calibration."),
      optional("base_margin", DoubleType, "The margin every account starts from (LR: the intercept; trees: the "
          + "roots' values)."),
      optional("risk_rank", LongType, "1 = the account most likely to churn on this date."),
      optional("top_reasons", createArrayType(REASON), "The three features that push the account's churn odds up "
          + "the most, with their values.")),
      List.of("snapshot_date"), "Each night's churn probability per customer, with its top reasons.");

  public static final TableSpec CHURN_MODEL_METRICS = new TableSpec(MartTables.ZONE, "churn_model_metrics", schema(
      required("run_date", DateType, "The run that measured; the partition column."),
      required("model_version", StringType, "Registry version the figures describe."),
      required("ranker", StringType, "logistic_regression, gradient_boosted_trees, rules_score (the health "
          + "scorecards' score, reversed), random, shuffled_label (mean of models trained on permuted labels: the "
          + "leakage control, about 0.5), production (the served model on the newest month whose outcome is known), or "
          + "at_risk_list (the at-risk list's rules on every past customer snapshot, judged against the churn that "
          + "followed)."),
      required("metric", StringType, "auc_roc, auc_pr, base_rate, brier, brier_skill, ece (10 equal-count bins), "
          + "top_decile_lift, precision_at_capacity, auc_roc_gain (paired AUC difference against rules_score); for "
          + "at_risk_list: recall (churned accounts listed at least churn-model.backtest.list-lead-days before their "
          + "churn), median_lead_days, precision_at_capacity, flagged_share (customer snapshots on the list), base_rate."),
      optional("value", DoubleType, "The figure over the backtest's pooled test rows."),
      optional("ci_low", DoubleType, "2.5 % bound of the account-resampled bootstrap."),
      optional("ci_high", DoubleType, "97.5 % bound."),
      required("test_rows", LongType, "Test rows behind the figure (account x cut-off)."),
      required("test_churned", LongType, "Of which churned within the horizon."),
      required("cutoffs", StringType, "The backtest's cut-off dates, comma-separated."),
      required("trained_on", DateType, "Run date the model version was trained (the figures are its backtest's)."),
      required("note", StringType, "Status, gates, warnings (leakage, drift), or empty.")),
      List.of("run_date"), "How well the churn model ranks and is calibrated, in a rolling-origin backtest, beside "
          + "the rules score, a random ranking and a shuffled-label control; one partition per run.");

  public static final List<TableSpec> ALL = List.of(CHURN_PREDICTIONS, CHURN_MODEL_METRICS);
}
