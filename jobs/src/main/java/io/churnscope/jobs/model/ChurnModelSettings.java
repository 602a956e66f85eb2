package io.churnscope.jobs.model;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import java.util.List;

/**
 * The {@code churn-model.*} keys: what the nightly {@code churn-predictions} stage predicts, how it
 * is backtested and when it is trusted (docs/churn-model.md).
 *
 * @param horizonDays the outcome: established logo churn within this many days of the snapshot
 * @param features the columns of marts.health_measures the models use
 * @param cutoffs the most monthly cut-offs of the rolling-origin backtest (the latest ones)
 * @param testShare share of accounts only ever tested in the backtest
 * @param permutations shuffled-label models per fold (the leakage control)
 * @param replicates bootstrap resamples of the intervals
 * @param csmCapacity accounts a CS team can act on per snapshot: precision at capacity
 * @param seed the seed of every draw (test accounts, permutations, bootstrap, trees)
 * @param gates when the model is used at all
 * @param leakageAuc a backtest AUC above this prints a leakage warning
 * @param driftAucDrop a drop of the newest known month's AUC below the backtest's by more than this is flagged
 * @param retrainEveryDays a registered model younger than this is reused instead of retrained
 * @param parallelism backtest folds run at once
 */
public record ChurnModelSettings(int horizonDays, List<String> features, int cutoffs, double testShare,
    int permutations, int replicates, int csmCapacity, long seed, Gates gates, double leakageAuc, double driftAucDrop,
    int retrainEveryDays, int parallelism) {

  /** The minimum evidence before the model is used. */
  public record Gates(int horizons, int trainingEvents, int holdoutEvents, int eventTypes, int cutoffs) {}

  public static final ConfigKey<Integer> HORIZON_DAYS = ConfigKey.positiveInt("churn-model.horizon-days");
  public static final ConfigKey<List<String>> FEATURES = ConfigKey.strings("churn-model.features");
  public static final ConfigKey<Integer> CUTOFFS = ConfigKey.intBetween("churn-model.backtest.cutoffs", 1, 24);
  public static final ConfigKey<Double> TEST_SHARE = ConfigKey.numberBetween("churn-model.backtest.test-share", 0.05, 0.95);
  public static final ConfigKey<Integer> PERMUTATIONS = ConfigKey.intBetween("churn-model.backtest.shuffled-label-runs", 1, 50);
  public static final ConfigKey<Integer> REPLICATES = ConfigKey.intBetween("churn-model.backtest.bootstrap-replicates", 20, 10000);
  public static final ConfigKey<Integer> CSM_CAPACITY = ConfigKey.positiveInt("churn-model.backtest.csm-capacity");
  public static final ConfigKey<Integer> SEED = ConfigKey.integer("churn-model.seed");
  public static final ConfigKey<Integer> GATE_HORIZONS = ConfigKey.intAtLeast("churn-model.gates.horizons-of-history", 1);
  public static final ConfigKey<Integer> GATE_TRAINING_EVENTS = ConfigKey.intAtLeast("churn-model.gates.training-churn-events", 1);
  public static final ConfigKey<Integer> GATE_HOLDOUT_EVENTS = ConfigKey.intAtLeast("churn-model.gates.holdout-churn-events", 1);
  public static final ConfigKey<Integer> GATE_EVENT_TYPES = ConfigKey.intAtLeast("churn-model.gates.churn-reasons", 1);
  public static final ConfigKey<Integer> GATE_CUTOFFS = ConfigKey.intAtLeast("churn-model.gates.backtest-cutoffs", 1);
  public static final ConfigKey<Double> LEAKAGE_AUC = ConfigKey.numberBetween("churn-model.leakage-warning-auc", 0.5, 1);
  public static final ConfigKey<Double> DRIFT_AUC_DROP = ConfigKey.numberBetween("churn-model.drift-auc-drop", 0, 0.5);
  /** The at-risk list's recall counts an account listed at least this many days before its churn (AtRiskListBacktest). */
  public static final ConfigKey<Integer> LIST_LEAD_DAYS = ConfigKey.intAtLeast("churn-model.backtest.list-lead-days", 0);
  public static final ConfigKey<Integer> RETRAIN_EVERY_DAYS = ConfigKey.intAtLeast("churn-model.retrain-every-days", 0);
  public static final ConfigKey<Integer> PARALLELISM = ConfigKey.intBetween("churn-model.backtest.parallelism", 1, 64);

  public static ChurnModelSettings from(ChurnscopeConfig config) {
    List<String> features = FEATURES.from(config);
    if (features.isEmpty()) {
      throw new UserError("churn-model.features (" + config.origin("churn-model.features")
          + ") is empty: name at least one column of marts.health_measures");
    }
    if (GATE_CUTOFFS.from(config) > CUTOFFS.from(config)) {
      throw new UserError("churn-model.gates.backtest-cutoffs (" + GATE_CUTOFFS.from(config)
          + ") is above churn-model.backtest.cutoffs (" + CUTOFFS.from(config) + "): the model could never be on");
    }
    return new ChurnModelSettings(HORIZON_DAYS.from(config), List.copyOf(features), CUTOFFS.from(config),
        TEST_SHARE.from(config), PERMUTATIONS.from(config), REPLICATES.from(config), CSM_CAPACITY.from(config),
        SEED.from(config), new Gates(GATE_HORIZONS.from(config), GATE_TRAINING_EVENTS.from(config),
        GATE_HOLDOUT_EVENTS.from(config), GATE_EVENT_TYPES.from(config), GATE_CUTOFFS.from(config)), LEAKAGE_AUC.from(config),
        DRIFT_AUC_DROP.from(config), RETRAIN_EVERY_DAYS.from(config), PARALLELISM.from(config));
  }
}
