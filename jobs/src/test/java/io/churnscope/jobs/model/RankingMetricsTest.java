package io.churnscope.jobs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Known answers worked by hand on a few rows, and invariants on random ones. */
class RankingMetricsTest {
  // Scores 0.9 0.8 0.7 0.6 0.5 0.4 with outcomes 1 0 1 1 0 0.
  static final double[] LABELS = {1, 0, 1, 1, 0, 0};
  static final double[] SCORES = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4};

  @Test
  void aucCountsTheChurnerNonChurnerPairsInOrder() {
    // 9 pairs; out of order: (0.8 non-churner above 0.7 and 0.6 churners) = 2 → 7/9.
    assertEquals(7 / 9.0, RankingMetrics.aucRoc(LABELS, SCORES), 1e-12);
    // A tie between a churner and a non-churner counts one half.
    assertEquals(0.5, RankingMetrics.aucRoc(new double[] {1, 0}, new double[] {0.3, 0.3}), 1e-12);
    assertTrue(Double.isNaN(RankingMetrics.aucRoc(new double[] {1, 1}, new double[] {0.1, 0.2})));
  }

  @Test
  void aucIsTheShareOfOrderedPairsOnRandomRows() {
    SplittableRandom r = new SplittableRandom(3);
    double[] y = new double[300];
    double[] s = new double[300];
    for (int i = 0; i < y.length; i++) {
      y[i] = r.nextDouble() < 0.2 ? 1 : 0;
      s[i] = Math.floor(r.nextDouble() * 20) + y[i] * 3;
    }
    double pairs = 0;
    double won = 0;
    for (int i = 0; i < y.length; i++) {
      for (int j = 0; j < y.length; j++) {
        if (y[i] == 1 && y[j] == 0) {
          pairs++;
          won += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
        }
      }
    }
    assertEquals(won / pairs, RankingMetrics.aucRoc(y, s), 1e-12);
  }

  @Test
  void averagePrecisionIsTheMeanPrecisionAtEachChurner() {
    // Churners at ranks 1, 3, 4: precision 1/1, 2/3, 3/4 → mean 29/36.
    assertEquals((1 + 2 / 3.0 + 3 / 4.0) / 3, RankingMetrics.aucPr(LABELS, SCORES), 1e-12);
  }

  @Test
  void brierSkillAndCalibration() {
    double[] p = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    assertEquals(0.25, RankingMetrics.brier(LABELS, p), 1e-12);
    // Base rate 0.5: predicting it is the reference, skill 0.
    assertEquals(0, RankingMetrics.brierSkill(LABELS, p), 1e-12);
    // One bin per row when there are fewer rows than bins: each |p − y| = 0.5, weight 1/6.
    assertEquals(0.5, RankingMetrics.expectedCalibrationError(LABELS, p), 1e-12);
    double[] y20 = new double[20];
    double[] p20 = new double[20];
    for (int i = 0; i < 20; i++) {
      y20[i] = i % 2;
      p20[i] = 0.5;
    }
    // Equal-count bins of 2 rows, each one churner: perfectly calibrated.
    assertEquals(0, RankingMetrics.expectedCalibrationError(y20, p20), 1e-12);
  }

  @Test
  void liftAndPrecisionAtCapacity() {
    // Top tenth of 6 rows = ceil(0.6) = 1 row, a churner: rate 1 / base 0.5 = lift 2.
    assertEquals(2, RankingMetrics.topDecileLift(LABELS, SCORES), 1e-12);
    String[] snapshots = {"a", "a", "a", "b", "b", "b"};
    // Capacity 2 per snapshot: a → 0.9 (1), 0.8 (0); b → 0.6 (1), 0.5 (0) → 2 of 4.
    assertEquals(0.5, RankingMetrics.precisionAtCapacity(LABELS, SCORES, snapshots, 2), 1e-12);
  }
}
