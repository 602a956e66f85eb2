package io.churnscope.jobs.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The backtest's figures for every ranker side by side, each with a 95 % bootstrap interval
 * (docs/churn-model.md). The bootstrap resamples <em>accounts</em> with replacement (all of an
 * account's test rows together), so an account seen at several cut-offs does not narrow the
 * interval as if its rows were independent; every ranker is measured on the same resamples, which
 * makes the paired difference "model − rules" an interval of its own.
 */
public final class BacktestFigures {
  private BacktestFigures() {}

  /** One test row: the account, its snapshot (cut-off), what happened and each ranker's score. */
  public record Outcome(String account, String snapshot, double label, double[] scores) {}

  /**
   * A way of ranking accounts.
   *
   * @param probability the scores are calibrated probabilities (Brier, skill and ECE apply)
   * @param runs score columns the ranker has (several independent runs, e.g. label permutations): each
   *     figure is the mean of the runs' figures
   */
  public record Ranker(String name, boolean probability, int runs) {
    public Ranker(String name, boolean probability) {
      this(name, probability, 1);
    }
  }

  /** A figure with its 95 % interval (NaN bounds when the resamples never define it). */
  public record Figure(String ranker, String metric, double value, double low, double high) {}

  /** Metrics every ranker gets; the calibration ones only for probabilities. */
  static final List<String> RANKING = List.of("auc_roc", "auc_pr", "top_decile_lift", "precision_at_capacity");
  static final List<String> CALIBRATION = List.of("brier", "brier_skill", "ece");
  /** The paired difference of AUC-ROC against the comparison ranker. */
  static final String AUC_GAIN = "auc_roc_gain";

  /**
   * @param compareWith the ranker each other ranker's AUC gain is measured against (e.g. the rules score), or null
   * @param capacity accounts a CS team can call per snapshot, for precision at capacity
   */
  public static List<Figure> compute(List<Outcome> outcomes, List<Ranker> rankers, String compareWith, int capacity,
      int replicates, long seed) {
    Map<String, double[]> point = measure(outcomes, rankers, compareWith, capacity);
    Map<String, List<Integer>> byAccount = new LinkedHashMap<>();
    for (int i = 0; i < outcomes.size(); i++) {
      byAccount.computeIfAbsent(outcomes.get(i).account(), k -> new ArrayList<>()).add(i);
    }
    List<List<Integer>> accounts = new ArrayList<>(byAccount.values());
    Map<String, List<double[]>> draws = new LinkedHashMap<>();
    SplittableRandom random = new SplittableRandom(seed);
    for (int rep = 0; rep < replicates; rep++) {
      List<Outcome> sample = new ArrayList<>(outcomes.size());
      for (int a = 0; a < accounts.size(); a++) {
        for (int i : accounts.get(random.nextInt(accounts.size()))) {
          sample.add(outcomes.get(i));
        }
      }
      measure(sample, rankers, compareWith, capacity).forEach((key, values) ->
          draws.computeIfAbsent(key, k -> new ArrayList<>()).add(values));
    }
    List<Figure> figures = new ArrayList<>();
    point.forEach((key, values) -> {
      String[] parts = key.split("\\|");
      double[] resampled = draws.getOrDefault(key, List.of()).stream().mapToDouble(v -> v[0])
          .filter(v -> !Double.isNaN(v)).sorted().toArray();
      figures.add(new Figure(parts[0], parts[1], values[0], percentile(resampled, 0.025), percentile(resampled, 0.975)));
    });
    return figures;
  }

  /** Every figure of every ranker on one sample, keyed "ranker|metric". */
  private static Map<String, double[]> measure(List<Outcome> rows, List<Ranker> rankers, String compareWith,
      int capacity) {
    double[] labels = rows.stream().mapToDouble(Outcome::label).toArray();
    String[] snapshots = rows.stream().map(Outcome::snapshot).toArray(String[]::new);
    Map<String, double[]> out = new LinkedHashMap<>();
    int offset = 0;
    int reference = -1;
    for (Ranker ranker : rankers) {
      if (ranker.name().equals(compareWith)) {
        reference = offset;
      }
      offset += ranker.runs();
    }
    if (compareWith != null && reference < 0) {
      throw new IllegalArgumentException("no ranker " + compareWith + " in " + rankers);
    }
    double referenceAuc = reference < 0 ? Double.NaN : RankingMetrics.aucRoc(labels, scores(rows, reference));
    offset = 0;
    for (Ranker ranker : rankers) {
      Map<String, Double> sums = new LinkedHashMap<>();
      for (int run = 0; run < ranker.runs(); run++) {
        double[] s = scores(rows, offset + run);
        double auc = RankingMetrics.aucRoc(labels, s);
        sums.merge("auc_roc", auc, Double::sum);
        sums.merge("auc_pr", RankingMetrics.aucPr(labels, s), Double::sum);
        sums.merge("top_decile_lift", RankingMetrics.topDecileLift(labels, s), Double::sum);
        sums.merge("precision_at_capacity", RankingMetrics.precisionAtCapacity(labels, s, snapshots, capacity),
            Double::sum);
        if (ranker.probability()) {
          sums.merge("brier", RankingMetrics.brier(labels, s), Double::sum);
          sums.merge("brier_skill", RankingMetrics.brierSkill(labels, s), Double::sum);
          sums.merge("ece", RankingMetrics.expectedCalibrationError(labels, s), Double::sum);
        }
        if (reference >= 0 && offset != reference) {
          sums.merge(AUC_GAIN, auc - referenceAuc, Double::sum);
        }
      }
      int runs = ranker.runs();
      sums.forEach((metric, sum) -> out.put(ranker.name() + "|" + metric, new double[] {sum / runs}));
      offset += runs;
    }
    return out;
  }

  private static double[] scores(List<Outcome> rows, int ranker) {
    return rows.stream().mapToDouble(o -> o.scores()[ranker]).toArray();
  }

  /** The q-quantile of sorted values (nearest rank), NaN when there are none. */
  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** The figure of a ranker and metric, or null. */
  public static Figure find(List<Figure> figures, String ranker, String metric) {
    return figures.stream().filter(f -> f.ranker().equals(ranker) && f.metric().equals(metric)).findFirst()
        .orElse(null);
  }

  static String describe(Figure f) {
    return String.format(java.util.Locale.ROOT, "%s %s %.3f [%.3f, %.3f]", f.ranker(), f.metric(), f.value(), f.low(),
        f.high());
  }
}
