package io.churnscope.jobs.health;

import java.io.Serializable;
import java.util.List;

/**
 * The measures a lifecycle stage is scored on, in a fixed order (by measure name), so a score is
 * always summed in the same order and a recomputation gives the same bits.
 *
 * @param stage {@code trial}, {@code onboarding}, {@code adoption} or {@code renewal}
 * @param tier the ARR tier the card is for ("Tier 1"), or null for the stage's card, which scores every
 *     tier without a card of its own
 * @param rules one per measure, sorted by measure name
 */
public record Scorecard(String stage, String tier, List<MeasureRule> rules) implements Serializable {
  public static final List<String> STAGES = List.of("trial", "onboarding", "adoption", "renewal");

  public Scorecard {
    rules = rules.stream().sorted(java.util.Comparator.comparing(r -> r.measure().id())).toList();
  }

  /** The stage's card, for every tier without one of its own. */
  public Scorecard(String stage, List<MeasureRule> rules) {
    this(stage, null, rules);
  }

  /** The card's name in its version: the stage, and the tier as in its key ({@code renewal.tier-1}). */
  String name() {
    return tier == null ? stage : stage + "." + HealthSettings.tierKey(tier);
  }

  /** The rule of a measure, or null when the card does not weigh it. */
  public MeasureRule rule(String measure) {
    return rules.stream().filter(r -> r.measure().id().equals(measure)).findFirst().orElse(null);
  }

  /** A canonical text of the card, for its version. */
  String canonical() {
    StringBuilder out = new StringBuilder(name()).append('{');
    for (MeasureRule r : rules) {
      out.append(r.measure().id()).append(':').append(r.weight()).append(',').append(r.good()).append(',')
          .append(r.poor()).append(';');
    }
    return out.append('}').toString();
  }
}
