package io.churnscope.generator;

/**
 * The distress process ({@link DistressEpisodes}) as a Markov chain over a customer's state at an
 * anniversary, before its draws: {@link #CALM} (no episode; an onset may happen at this anniversary,
 * which then counts as month 0 of the episode) or 1–4 months since an onset. The hazard is the calm
 * hazard in states CALM, 1 (and at an onset), the distress hazard in states 2–4.
 *
 * <p>Used twice: the simulator keeps the distribution of the state among the customers still paying
 * (to scale the hazard so that its mean is the planted one, see {@link #calmScale}) and
 * {@link ChurnHazards} the joint probability of surviving and being in each state.
 */
final class DistressChain {
  static final int CALM = 0;
  static final int STATES = DistressEpisodes.LAST_HAZARD_MONTH + 1;

  private DistressChain() {}

  static boolean distressed(int state) {
    return state >= DistressEpisodes.FIRST_HAZARD_MONTH;
  }

  /** A customer's state when it starts paying: calm. */
  static double[] start() {
    double[] mass = new double[STATES];
    mass[CALM] = 1;
    return mass;
  }

  /**
   * One anniversary: each state's mass survives with 1 − its hazard (0 and 0 when no hazard applies)
   * and moves on; calm mass enters an episode with the onset probability p. Returns unnormalized mass.
   */
  static double[] step(double[] mass, double calmHazard, double distressHazard, double onsetProbability) {
    double[] next = new double[STATES];
    for (int s = 0; s < STATES; s++) {
      double surviving = mass[s] * (1 - (distressed(s) ? distressHazard : calmHazard));
      if (s == CALM) {
        next[1] += surviving * onsetProbability;
        next[CALM] += surviving * (1 - onsetProbability);
      } else if (s == STATES - 1) {
        next[CALM] += surviving;
      } else {
        next[s + 1] += surviving;
      }
    }
    return next;
  }

  /** The mass as a distribution; all-zero mass (every state churned for certain) becomes the calm start. */
  static double[] normalized(double[] mass) {
    double total = 0;
    for (double m : mass) {
      total += m;
    }
    if (total <= 0) {
      return start();
    }
    double[] out = new double[STATES];
    for (int s = 0; s < STATES; s++) {
      out[s] = mass[s] / total;
    }
    return out;
  }

  /**
   * The scale c of the planted hazard h (at most 1) such that, over the state distribution {@code mass},
   * the mean of the applied hazard — min(1, c·h) when calm, min(1, c·K·h) when distressed — is exactly h.
   * Without the clamp c = 1 / E[multiplier]; with it (c·K·h > 1), c = (h − d) / ((1 − d)·h) where d is the
   * distressed share.
   */
  static double calmScale(double[] mass, double h) {
    if (h >= 1) {
      return 1;
    }
    double distressed = 0;
    double total = 0;
    for (int s = 0; s < STATES; s++) {
      total += mass[s];
      distressed += distressed(s) ? mass[s] : 0;
    }
    double d = distressed / total;
    double scale = 1 / (1 - d + DistressEpisodes.HAZARD_MULTIPLIER * d);
    if (scale * DistressEpisodes.HAZARD_MULTIPLIER * h <= 1) {
      return scale;
    }
    return (h - d) / ((1 - d) * h);
  }

  /**
   * The mean multiplier E[m] in the steady state of the chain when nobody churns: an episode occupies
   * its onset anniversary and 4 more, 3 of them distressed, and follows a geometric wait of mean 1/p
   * anniversaries, so the distressed share is 3p / (1 + 4p) and E[m] = 1 + (K − 1)·3p / (1 + 4p).
   */
  static double steadyStateMeanMultiplier(double p) {
    int distressedMonths = DistressEpisodes.LAST_HAZARD_MONTH - DistressEpisodes.FIRST_HAZARD_MONTH + 1;
    double share = distressedMonths * p / (1 + DistressEpisodes.LAST_HAZARD_MONTH * p);
    return 1 + (DistressEpisodes.HAZARD_MULTIPLIER - 1) * share;
  }
}
