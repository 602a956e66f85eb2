package io.churnscope.jobs.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad scorecard stops the run with one line naming the key. */
class HealthSettingsTest {
  static String error(Map<String, String> overrides) {
    return assertThrows(UserError.class, () -> HealthSettings.from(ChurnscopeConfig.load(null, overrides))).getMessage();
  }

  @Test
  void theDefaultsHoldACardForEveryStage() {
    HealthSettings settings = HealthSettings.from(ChurnscopeConfig.defaults());
    assertEquals(Scorecard.STAGES.size(), settings.scorecards().size());
    assertEquals("good", settings.band(70));
    assertEquals("warning", settings.band(69.9));
    assertEquals("poor", settings.band(39.9));
  }

  @Test
  void badCardsAreRefusedByName() {
    assertTrue(error(Map.of("health.scorecards.adoption.nps_score.weight", "0"))
        .startsWith("health.scorecards.adoption.nps_score.weight = 0.0: must be positive"));
    assertTrue(error(Map.of("health.scorecards.adoption.happiness.weight", "1",
        "health.scorecards.adoption.happiness.good", "1", "health.scorecards.adoption.happiness.poor", "0"))
        .startsWith("health.scorecards.adoption.happiness: unknown measure"));
    assertTrue(error(Map.of("health.scorecards.adoption.concentration.good", "0.9"))
        .contains("concentration: good = 0.9 and poor = 0.7 are not ordered"));
    assertTrue(error(Map.of("health.scorecards.adoption.usage_frequency.poor", "8"))
        .contains("usage_frequency improves as it grows, so poor < good"));
    assertTrue(error(Map.of("health.scorecards.churned.nps_score.weight", "1"))
        .startsWith("health.scorecards.churned: unknown lifecycle stage"));
    assertTrue(error(Map.of("health.score-bands.poor-below", "80")).startsWith("health.score-bands: poor-below"));
  }

  @Test
  void aCardsVersionChangesWithItsContentOnly() {
    HealthSettings defaults = HealthSettings.from(ChurnscopeConfig.defaults());
    HealthSettings changed = HealthSettings.from(ChurnscopeConfig.load(null,
        Map.of("health.scorecards.adoption.nps_score.weight", "5")));
    assertEquals(HealthSettings.version(defaults.scorecards().get("trial")),
        HealthSettings.version(changed.scorecards().get("trial")));
    assertNotEquals(HealthSettings.version(defaults.scorecards().get("adoption")),
        HealthSettings.version(changed.scorecards().get("adoption")));
    assertTrue(HealthSettings.version(defaults.scorecards().get("adoption")).startsWith("adoption-"));
  }

  @Test
  void aTiersCardReplacesItsStagesCardForThatTierOnly() {
    HealthSettings settings = HealthSettings.from(ChurnscopeConfig.load(null, Map.of(
        "health.tier-scorecards.tier-1.renewal.nps_score.weight", "5",
        "health.tier-scorecards.tier-1.renewal.nps_score.good", "9",
        "health.tier-scorecards.tier-1.renewal.nps_score.poor", "7")));
    Scorecard tierOne = settings.card("renewal", "Tier 1");
    assertEquals("Tier 1", tierOne.tier());
    assertEquals(1, tierOne.rules().size());
    assertEquals(5.0, tierOne.rule("nps_score").weight());
    assertTrue(HealthSettings.version(tierOne).startsWith("renewal.tier-1-"), HealthSettings.version(tierOne));
    // Other tiers, other stages of tier 1, and accounts without a tier keep the stage's card.
    assertEquals(settings.scorecards().get("renewal"), settings.card("renewal", "Tier 2"));
    assertEquals(settings.scorecards().get("adoption"), settings.card("adoption", "Tier 1"));
    assertEquals(settings.scorecards().get("trial"), settings.card("trial", null));
    assertEquals(Scorecard.STAGES.size() + 1, settings.allCards().size());
    // A stage's card keeps the version it had before tier cards existed.
    assertEquals(HealthSettings.version(HealthSettings.from(ChurnscopeConfig.defaults()).scorecards().get("renewal")),
        HealthSettings.version(settings.card("renewal", "Tier 2")));
  }

  @Test
  void badTierCardsAreRefusedByName() {
    assertTrue(error(Map.of("health.tier-scorecards.tier-4.renewal.nps_score.weight", "1"))
        .startsWith("health.tier-scorecards.tier-4: unknown tier; subscriptions.arr-tiers makes tier-1 to tier-3"));
    assertTrue(error(Map.of("health.tier-scorecards.enterprise.renewal.nps_score.weight", "1"))
        .startsWith("health.tier-scorecards.enterprise: unknown tier"));
    assertTrue(error(Map.of("health.tier-scorecards.tier-2.churned.nps_score.weight", "1"))
        .startsWith("health.tier-scorecards.tier-2.churned: unknown lifecycle stage"));
    assertTrue(error(Map.of("health.tier-scorecards.tier-2.renewal.nps_score.weight", "-1",
        "health.tier-scorecards.tier-2.renewal.nps_score.good", "9",
        "health.tier-scorecards.tier-2.renewal.nps_score.poor", "7"))
        .startsWith("health.tier-scorecards.tier-2.renewal.nps_score.weight = -1.0: must be positive"));
    assertTrue(error(Map.of("health.tier-scorecards.tier-2.renewal.nps_score.weight", "1"))
        .startsWith("health.tier-scorecards.tier-2.renewal.nps_score ("), "a rule without thresholds");
  }
}
