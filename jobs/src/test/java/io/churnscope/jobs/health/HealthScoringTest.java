package io.churnscope.jobs.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic of a score and of its change, worked out by hand. */
class HealthScoringTest {
  static final MeasureRule FREQUENCY = new MeasureRule(HealthMeasure.USAGE_FREQUENCY, 3, 8, 3);
  static final MeasureRule UTILIZATION = new MeasureRule(HealthMeasure.LICENSE_UTILIZATION, 2, 0.8, 0.5);
  static final MeasureRule TICKETS = new MeasureRule(HealthMeasure.OPEN_HIGH_PRIORITY_TICKETS, 1, 0, 0.5);
  static final Scorecard CARD = new Scorecard("adoption", List.of(FREQUENCY, UTILIZATION, TICKETS));

  static Map<String, Double> values(Object... pairs) {
    Map<String, Double> out = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], pairs[i + 1] == null ? null : ((Number) pairs[i + 1]).doubleValue());
    }
    return out;
  }

  @Test
  void bandEdgesFollowTheMeasuresDirection() {
    // More is better: good from 8 inclusive, poor below 3; 3 itself is a warning.
    assertEquals(List.of("good", "warning", "warning", "poor"),
        List.of(FREQUENCY.band(8), FREQUENCY.band(7.99), FREQUENCY.band(3), FREQUENCY.band(2.99)));
    // Less is better: good at or below 0, poor above 0.5; 0.5 itself is a warning.
    assertEquals(List.of("good", "warning", "poor"), List.of(TICKETS.band(0), TICKETS.band(0.5), TICKETS.band(1)));
  }

  @Test
  void theScoreIsTheWeightedMeanOfTheMeasuresThatHaveAValueAndTheOthersAreListed() {
    // Frequency 9 (good, 100) weight 3; utilization 0.6 (warning, 50) weight 2; tickets unknown.
    HealthScoring.Scored scored = HealthScoring.score(CARD, values("usage_frequency", 9, "license_utilization", 0.6,
        "open_high_priority_tickets", null));
    assertEquals((3 * 100 + 2 * 50) / 5.0, scored.score(), 1e-12);
    assertEquals(List.of("open_high_priority_tickets"), scored.missing());
    assertEquals(scored.score(), scored.measures().stream().mapToDouble(HealthScoring.MeasureScore::contribution).sum(), 1e-9);
    assertEquals(20.0, scored.measures().get(0).contribution(), 1e-12); // license_utilization sorts first: 2 x 50 / 5
  }

  @Test
  void noMeasureWithAValueGivesNoScore() {
    HealthScoring.Scored scored = HealthScoring.score(CARD, values());
    assertNull(scored.score());
    assertEquals(List.of("license_utilization", "open_high_priority_tickets", "usage_frequency"), scored.missing());
  }

  @Test
  void aChangeOnTheSameCardIsTheSumOfItsMeasuresMoves() {
    HealthScoring.Scored before = HealthScoring.score(CARD, values("usage_frequency", 9, "license_utilization", 0.9,
        "open_high_priority_tickets", 0));
    HealthScoring.Scored now = HealthScoring.score(CARD, values("usage_frequency", 2, "license_utilization", 0.9,
        "open_high_priority_tickets", 0));
    HealthScoring.Change change = HealthScoring.change(before, true, CARD, now);
    // 100 → (3 x 0 + 2 x 100 + 1 x 100) / 6 = 50: all of it frequency's, 3 x (0 − 100) / 6 = −50.
    assertEquals(-50, change.total(), 1e-9);
    assertEquals(-50, change.byMeasure().get("usage_frequency"), 1e-9);
    assertEquals(0, change.byMeasure().get("license_utilization"), 1e-12);
    assertEquals(0, change.reweighting(), 1e-12);
    assertEquals(0, change.scorecard(), 0);
    assertEquals("score 100 → 50: usage_frequency 9 → 2 (−50)", change.sentence());
  }

  @Test
  void aMeasureThatAppearsIsAReweightingAndTheTermsSumExactly() {
    HealthScoring.Scored before = HealthScoring.score(CARD, values("usage_frequency", 9, "license_utilization", 0.6));
    HealthScoring.Scored now = HealthScoring.score(CARD, values("usage_frequency", 5, "license_utilization", 0.6,
        "open_high_priority_tickets", 2));
    HealthScoring.Change change = HealthScoring.change(before, true, CARD, now);
    double sum = change.byMeasure().values().stream().mapToDouble(Double::doubleValue).sum() + change.reweighting()
        + change.scorecard();
    assertEquals(change.total(), sum, 1e-9);
    // Shared measures: frequency 100 → 50 at weight 3 of 5: −30. Before 80; now (150 + 100 + 0) / 6.
    assertEquals(-30, change.byMeasure().get("usage_frequency"), 1e-9);
    assertEquals(250 / 6.0 - 80, change.total(), 1e-9);
    assertEquals(250 / 6.0 - 50, change.reweighting(), 1e-9);
  }

  @Test
  void aNewCardIsItsOwnTermAndTheTermsStillSum() {
    Scorecard heavierUtilization = new Scorecard("adoption", List.of(FREQUENCY,
        new MeasureRule(HealthMeasure.LICENSE_UTILIZATION, 6, 0.8, 0.5), TICKETS));
    HealthScoring.Scored before = HealthScoring.score(CARD, values("usage_frequency", 9, "license_utilization", 0.3,
        "open_high_priority_tickets", 0));
    HealthScoring.Scored now = HealthScoring.score(heavierUtilization, values("usage_frequency", 9,
        "license_utilization", 0.3, "open_high_priority_tickets", 0));
    HealthScoring.Change change = HealthScoring.change(before, false, heavierUtilization, now);
    // Nothing moved but the card: before (300 + 0 + 100) / 6, now (300 + 0 + 100) / 10.
    assertEquals(40 - 400 / 6.0, change.scorecard(), 1e-9);
    assertEquals(0, change.reweighting(), 1e-12);
    change.byMeasure().values().forEach(v -> assertEquals(0, v, 1e-12));
    assertEquals(change.total(), change.scorecard(), 1e-9);
    assertEquals("score 67 → 40: scorecard, tier or lifecycle stage changed (−27)", change.sentence());
  }

  @Test
  void numbersReadAsAPersonWritesThem() {
    assertEquals("9", HealthScoring.number(9.0));
    assertEquals("0.82", HealthScoring.number(0.8234));
  }
}
