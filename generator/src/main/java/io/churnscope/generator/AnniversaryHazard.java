package io.churnscope.generator;

import java.time.LocalDate;

/**
 * The churn hazard of one paying customer at one monthly anniversary inside the history window (a row
 * of {@code _generator/churn_hazards.csv}).
 *
 * @param month months since the first paid day (the anniversary is customer start + month months)
 * @param anniversary the anniversary's date
 * @param hazard the probability of churning drawn against at this anniversary
 * @param calmHazard the hazard outside a distress episode's hazard months, min(1, c·h)
 * @param distressHazard the hazard in them, min(1, c·K·h)
 * @param onset onset of the distress episode the customer is in at this anniversary, or null
 * @param episodeMonth months since that onset (0–4), or -1 outside an episode
 */
record AnniversaryHazard(int month, LocalDate anniversary, double plantedHazard, double hazard, double calmHazard, double distressHazard,
    LocalDate onset, int episodeMonth) {

  /** In one of an episode's hazard months: the distress hazard applies. */
  boolean distressed() {
    return episodeMonth >= DistressEpisodes.FIRST_HAZARD_MONTH;
  }
}
