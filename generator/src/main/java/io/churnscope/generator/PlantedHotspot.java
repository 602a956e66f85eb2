package io.churnscope.generator;

import java.util.List;
import java.util.Map;

/**
 * A segment whose customers get a higher monthly churn hazard: hazard = base × the lifts of every
 * planted segment the customer belongs to, and nothing else about the customer matters.
 *
 * @param id short id used in the ground truth (H1, H2, ...)
 * @param segment dimension → value, with the CRM column names plus {@code size_band}, {@code plan}
 *     and {@code utilization_band}
 * @param lift multiplier of the base monthly churn hazard
 */
record PlantedHotspot(String id, Map<String, String> segment, double lift) {

  /**
   * The planted hot-spots. H2's single- and two-value parents (retail, small, starter, retail × small,
   * ...) carry only what they inherit from it; H3 lifts low adoption in the organic channel only,
   * low-adoption accounts elsewhere churn at the base rate.
   */
  static final List<PlantedHotspot> ALL = List.of(
      new PlantedHotspot("H1", Map.of("acquisition_channel", "reseller", "country", "US"), 3.0),
      new PlantedHotspot("H2", Map.of("industry", "retail", "size_band", "small", "plan", "starter"), 4.0),
      new PlantedHotspot("H3", Map.of("acquisition_channel", "organic", "utilization_band", "low"), 3.0));

  /** Whether an account with these attributes (and its plan at that time) is in the segment. */
  boolean matches(AccountProfile account, String plan) {
    for (Map.Entry<String, String> entry : segment.entrySet()) {
      if (!entry.getValue().equals(account.dimension(entry.getKey(), plan))) {
        return false;
      }
    }
    return true;
  }

  /** The product of the lifts of the planted segments the account belongs to. */
  static double liftFor(AccountProfile account, String plan) {
    double lift = 1.0;
    for (PlantedHotspot hotspot : ALL) {
      if (hotspot.matches(account, plan)) {
        lift *= hotspot.lift();
      }
    }
    return lift;
  }
}
