package io.churnscope.jobs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.jobs.model.BacktestFigures.Figure;
import io.churnscope.jobs.model.BacktestFigures.Outcome;
import io.churnscope.jobs.model.BacktestFigures.Ranker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The rankers side by side, each figure inside its interval, the paired gain, and accounts resampled whole. */
class BacktestFiguresTest {
  static final List<Ranker> RANKERS = List.of(new Ranker("model", true), new Ranker("rules", false),
      new Ranker("random", false));

  /** 600 accounts, 3 snapshots each; the model's score is the true probability, the rules' a noisy copy. */
  static List<Outcome> outcomes(int rowsPerAccount, boolean sameOutcome) {
    SplittableRandom r = new SplittableRandom(11);
    List<Outcome> out = new ArrayList<>();
    for (int a = 0; a < 600; a++) {
      double p = 0.02 + 0.4 * r.nextDouble() * r.nextDouble();
      double y = r.nextDouble() < p ? 1 : 0;
      for (int s = 0; s < rowsPerAccount; s++) {
        double label = sameOutcome ? y : (r.nextDouble() < p ? 1 : 0);
        out.add(new Outcome("a" + a, "2026-0" + (s + 1), label, new double[] {p, p + 0.15 * r.nextGaussian(),
            r.nextDouble()}));
      }
    }
    return out;
  }

  @Test
  void everyFigureLiesInItsIntervalAndTheGainIsPaired() {
    List<Figure> figures = BacktestFigures.compute(outcomes(3, false), RANKERS, "rules", 20, 200, 5);
    for (Figure f : figures) {
      assertTrue(f.low() <= f.value() && f.value() <= f.high(), f.toString());
    }
    Figure model = BacktestFigures.find(figures, "model", "auc_roc");
    Figure rules = BacktestFigures.find(figures, "rules", "auc_roc");
    Figure gain = BacktestFigures.find(figures, "model", BacktestFigures.AUC_GAIN);
    assertEquals(model.value() - rules.value(), gain.value(), 1e-12);
    assertTrue(gain.low() > 0, "the true probability ranks better than its noisy copy: " + gain);
    // Paired: the gain's interval is narrower than the two AUC intervals would suggest unpaired.
    assertTrue(gain.high() - gain.low() < (model.high() - model.low()) + (rules.high() - rules.low()), gain.toString());
    Figure random = BacktestFigures.find(figures, "random", "auc_roc");
    assertTrue(random.low() < 0.5 && 0.5 < random.high(), random.toString());
    assertNull(BacktestFigures.find(figures, "rules", "brier"), "a rules score is not a probability");
    assertTrue(BacktestFigures.find(figures, "model", "ece").value() < 0.05, "the true probability is calibrated");
  }

  @Test
  void anAccountRepeatingItsOutcomeCountsAsOneAccount() {
    // Three copies of each account's row carry no more information than one: the interval must not shrink.
    Figure once = BacktestFigures.find(BacktestFigures.compute(outcomes(1, true), RANKERS, null, 20, 300, 7),
        "model", "auc_roc");
    Figure thrice = BacktestFigures.find(BacktestFigures.compute(outcomes(3, true), RANKERS, null, 20, 300, 7),
        "model", "auc_roc");
    double widthOnce = once.high() - once.low();
    double widthThrice = thrice.high() - thrice.low();
    assertTrue(widthThrice > 0.8 * widthOnce, "once " + once + ", thrice " + thrice);
  }
}
