package io.churnscope.jobs.health;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The arithmetic of a health score and of its change, on plain values (the stage applies it per
 * account): no Spark, so every rule is tested on a handful of numbers.
 *
 * <p>Score = Σ wᵢ·sᵢ / Σ wᵢ over the card's measures that have a value; each measure's contribution
 * is wᵢ·sᵢ / Σ wᵢ, so the contributions sum to the score. Measures without a value are left out and
 * listed.
 */
public final class HealthScoring {
  private HealthScoring() {}

  /** One measure of one score. */
  public record MeasureScore(String measure, double rawValue, String band, double weight, double score,
      double contribution) {}

  /**
   * @param score null when no measure of the card has a value
   * @param measures the measures with a value, in the card's order
   * @param missing the card's measures without one
   */
  public record Scored(Double score, List<MeasureScore> measures, List<String> missing) {
    Map<String, Double> rawValues() {
      Map<String, Double> out = new LinkedHashMap<>();
      measures.forEach(m -> out.put(m.measure(), m.rawValue()));
      return out;
    }
  }

  /**
   * A score against the previous snapshot, in terms that sum to {@code now − before}: one per measure
   * valued at both (its contribution's change on the measures both share), a re-weighting term
   * (measures that appeared or went missing), and a scorecard term (the previous values scored on
   * tonight's card, less the previous score: a new card version or a new lifecycle stage).
   */
  public record Change(double before, double now, Map<String, Double> byMeasure, double reweighting, double scorecard,
      String sentence) {
    public double total() {
      return now - before;
    }
  }

  public static Scored score(Scorecard card, Map<String, Double> values) {
    List<MeasureRule> present = card.rules().stream().filter(r -> values.get(r.measure().id()) != null).toList();
    List<String> missing = card.rules().stream().map(r -> r.measure().id()).filter(id -> values.get(id) == null).toList();
    if (present.isEmpty()) {
      return new Scored(null, List.of(), missing);
    }
    double weights = 0;
    for (MeasureRule rule : present) {
      weights += rule.weight();
    }
    List<MeasureScore> measures = new ArrayList<>();
    double score = 0;
    for (MeasureRule rule : present) {
      double value = values.get(rule.measure().id());
      double contribution = rule.weight() * rule.score(value) / weights;
      measures.add(new MeasureScore(rule.measure().id(), value, rule.band(value), rule.weight(), rule.score(value),
          contribution));
      score += contribution;
    }
    return new Scored(score, List.copyOf(measures), missing);
  }

  /**
   * @param previous the previous snapshot's score, scored on {@code previousCard}
   * @param sameCard the previous snapshot was scored on tonight's card (same stage and version)
   */
  public static Change change(Scored previous, boolean sameCard, Scorecard card, Scored now) {
    double before = previous.score();
    double after = now.score();
    Scored rescored = sameCard ? previous : score(card, previous.rawValues());
    if (rescored.score() == null) {
      return new Change(before, after, Map.of(), 0, after - before, sentence(before, after, Map.of(), 0, after - before,
          Map.of(), Map.of()));
    }
    double scorecard = sameCard ? 0 : rescored.score() - before;
    Map<String, Double> old = rescored.rawValues();
    Map<String, Double> fresh = now.rawValues();
    List<MeasureRule> both = card.rules().stream()
        .filter(r -> old.containsKey(r.measure().id()) && fresh.containsKey(r.measure().id())).toList();
    Map<String, Double> byMeasure = new LinkedHashMap<>();
    double reweighting;
    if (both.isEmpty()) {
      reweighting = after - rescored.score();
    } else {
      double weights = 0;
      for (MeasureRule rule : both) {
        weights += rule.weight();
      }
      double oldBoth = 0;
      double newBoth = 0;
      for (MeasureRule rule : both) {
        String id = rule.measure().id();
        double was = rule.weight() * rule.score(old.get(id)) / weights;
        double is = rule.weight() * rule.score(fresh.get(id)) / weights;
        oldBoth += was;
        newBoth += is;
        byMeasure.put(id, is - was);
      }
      reweighting = (oldBoth - rescored.score()) + (after - newBoth);
    }
    return new Change(before, after, byMeasure, reweighting, scorecard,
        sentence(before, after, byMeasure, reweighting, scorecard, old, fresh));
  }

  /** "score 71 → 58: license_utilization 0.82 → 0.41 (−9), nps_score 9 → 4 (−4)": the three biggest movers. */
  static String sentence(double before, double after, Map<String, Double> byMeasure, double reweighting,
      double scorecard, Map<String, Double> old, Map<String, Double> fresh) {
    List<Map.Entry<String, Double>> terms = new ArrayList<>(byMeasure.entrySet());
    terms.add(Map.entry("\u0000measures", reweighting));
    terms.add(Map.entry("\u0000scorecard", scorecard));
    List<String> parts = terms.stream().filter(t -> Math.abs(t.getValue()) >= 0.5)
        .sorted(Comparator.comparingDouble((Map.Entry<String, Double> t) -> -Math.abs(t.getValue()))
            .thenComparing(Map.Entry::getKey))
        .limit(3)
        .map(t -> describe(t.getKey(), t.getValue(), old, fresh)).toList();
    String head = "score " + round(before) + " → " + round(after);
    if (parts.isEmpty()) {
      return head + (round(before).equals(round(after)) ? ", unchanged" : "");
    }
    return head + ": " + String.join(", ", parts);
  }

  private static String describe(String term, double value, Map<String, Double> old, Map<String, Double> fresh) {
    String points = " (" + (value >= 0 ? "+" : "−") + round(Math.abs(value)) + ")";
    if (term.equals("\u0000measures")) {
      return "measures that came or went" + points;
    }
    if (term.equals("\u0000scorecard")) {
      return "scorecard, tier or lifecycle stage changed" + points;
    }
    return term + " " + number(old.get(term)) + " → " + number(fresh.get(term)) + points;
  }

  private static String round(double value) {
    return String.valueOf(Math.round(value));
  }

  /** A value as a person reads it: whole numbers without a point, others with two decimals. */
  public static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
        : String.format(Locale.ROOT, "%.2f", value);
  }
}
