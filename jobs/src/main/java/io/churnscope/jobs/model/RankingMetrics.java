package io.churnscope.jobs.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How well a score ranks and, when it is a probability, how well it is calibrated, against observed
 * outcomes (docs/churn-model.md, "Backtest figures"). Plain Java over arrays: a backtest's test rows
 * fit in the driver, and every figure can be recomputed by hand on a few rows.
 */
public final class RankingMetrics {
  private RankingMetrics() {}

  /** Bins of the expected calibration error: equal-count bins of the predicted probability. */
  static final int CALIBRATION_BINS = 10;

  /**
   * Area under the ROC curve: the probability that a random churner scores above a random
   * non-churner, ties counting one half (Mann–Whitney U over average ranks); NaN without both classes.
   */
  public static double aucRoc(double[] labels, double[] scores) {
    Integer[] order = byScore(scores, true);
    double[] ranks = new double[scores.length];
    for (int i = 0; i < order.length; ) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double average = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        ranks[order[k]] = average;
      }
      i = j + 1;
    }
    double positives = 0;
    double rankSum = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] > 0.5) {
        positives++;
        rankSum += ranks[i];
      }
    }
    double negatives = labels.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
  }

  /**
   * Area under the precision–recall curve as average precision: the mean, over the churners, of the
   * precision among the rows scored at least as high as each (tied rows enter together).
   */
  public static double aucPr(double[] labels, double[] scores) {
    Integer[] order = byScore(scores, false);
    double positives = Arrays.stream(labels).filter(y -> y > 0.5).count();
    if (positives == 0) {
      return Double.NaN;
    }
    double sum = 0;
    double hits = 0;
    for (int i = 0; i < order.length; ) {
      int j = i;
      double tiedHits = 0;
      while (j < order.length && scores[order[j]] == scores[order[i]]) {
        tiedHits += labels[order[j]] > 0.5 ? 1 : 0;
        j++;
      }
      hits += tiedHits;
      sum += tiedHits * hits / j;
      i = j;
    }
    return sum / positives;
  }

  public static double baseRate(double[] labels) {
    return Arrays.stream(labels).average().orElse(Double.NaN);
  }

  /** Mean squared error of the probabilities. */
  public static double brier(double[] labels, double[] probabilities) {
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      sum += (probabilities[i] - labels[i]) * (probabilities[i] - labels[i]);
    }
    return labels.length == 0 ? Double.NaN : sum / labels.length;
  }

  /** 1 − Brier / the Brier of always predicting the base rate: 0 = no better than the base rate, 1 = perfect. */
  public static double brierSkill(double[] labels, double[] probabilities) {
    double base = baseRate(labels);
    double reference = base * (1 - base);
    return reference == 0 ? Double.NaN : 1 - brier(labels, probabilities) / reference;
  }

  /**
   * Expected calibration error: rows sorted by probability into {@link #CALIBRATION_BINS} bins of
   * (nearly) equal count; Σ over bins of (rows in bin / rows) × |mean probability − churn rate|.
   */
  public static double expectedCalibrationError(double[] labels, double[] probabilities) {
    Integer[] order = byScore(probabilities, true);
    int n = order.length;
    double error = 0;
    for (int b = 0; b < CALIBRATION_BINS; b++) {
      int from = (int) ((long) n * b / CALIBRATION_BINS);
      int to = (int) ((long) n * (b + 1) / CALIBRATION_BINS);
      if (to == from) {
        continue;
      }
      double p = 0;
      double y = 0;
      for (int i = from; i < to; i++) {
        p += probabilities[order[i]];
        y += labels[order[i]];
      }
      error += Math.abs(p - y) / n;
    }
    return n == 0 ? Double.NaN : error;
  }

  /** Churn rate among the top-scored tenth (ceil(n / 10) rows) ÷ the base rate. */
  public static double topDecileLift(double[] labels, double[] scores) {
    Integer[] order = byScore(scores, false);
    int top = (int) Math.ceil(order.length / 10.0);
    double hits = 0;
    for (int i = 0; i < top; i++) {
      hits += labels[order[i]];
    }
    double base = baseRate(labels);
    return top == 0 || base == 0 ? Double.NaN : hits / top / base;
  }

  /**
   * The share of churners among the {@code capacity} top-scored rows of each snapshot (what a CS
   * team that can call {@code capacity} accounts per snapshot would reach), pooled over the snapshots.
   */
  public static double precisionAtCapacity(double[] labels, double[] scores, String[] snapshots, int capacity) {
    Map<String, List<Integer>> bySnapshot = new TreeMap<>();
    for (int i = 0; i < labels.length; i++) {
      bySnapshot.computeIfAbsent(snapshots[i], k -> new ArrayList<>()).add(i);
    }
    double hits = 0;
    int called = 0;
    for (List<Integer> rows : bySnapshot.values()) {
      rows.sort(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i));
      for (int k = 0; k < Math.min(capacity, rows.size()); k++) {
        hits += labels[rows.get(k)];
        called++;
      }
    }
    return called == 0 ? Double.NaN : hits / called;
  }

  /** Row indexes sorted by score (ties by index, so the order is reproducible). */
  private static Integer[] byScore(double[] scores, boolean ascending) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Comparator<Integer> byValue = Comparator.comparingDouble(i -> scores[i]);
    Arrays.sort(order, (ascending ? byValue : byValue.reversed()).thenComparingInt(i -> i));
    return order;
  }
}
