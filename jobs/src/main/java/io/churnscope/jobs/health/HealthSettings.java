package io.churnscope.jobs.health;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code health.*} keys (docs/health.md): lifecycle stage boundaries, score bands and a
 * scorecard per lifecycle stage, read and checked once: a bad scorecard stops the run before Spark
 * starts with one line naming the key.
 *
 * @param onboardingDays paid tenure below this is onboarding
 * @param renewalWindowDays an annual contract this close to its renewal is in the renewal window
 * @param goodFrom a score at or above this is good
 * @param poorBelow a score below this is poor
 * @param scorecards the card of each stage, keyed by stage
 */
public record HealthSettings(int onboardingDays, int renewalWindowDays, double goodFrom, double poorBelow,
    Map<String, Scorecard> scorecards) implements java.io.Serializable {
  static final String CARDS = "health.scorecards";

  public static final ConfigKey<Integer> ONBOARDING_DAYS = ConfigKey.positiveInt("health.onboarding-days");
  public static final ConfigKey<Integer> RENEWAL_WINDOW_DAYS = ConfigKey.positiveInt("health.renewal-window-days");
  public static final ConfigKey<Double> GOOD_FROM = ConfigKey.numberBetween("health.score-bands.good-from", 0, 100);
  public static final ConfigKey<Double> POOR_BELOW = ConfigKey.numberBetween("health.score-bands.poor-below", 0, 100);
  public static final ConfigKey<Map<String, Scorecard>> SCORECARDS = ConfigKey.of(CARDS,
      "an object: lifecycle stage = { measure = { weight, good, poor } }, a card for every stage",
      HealthSettings::scorecards);

  public static HealthSettings from(ChurnscopeConfig config) {
    double good = GOOD_FROM.from(config);
    double poor = POOR_BELOW.from(config);
    if (poor >= good) {
      throw new UserError("health.score-bands: poor-below (" + poor + ") must be below good-from (" + good + ")");
    }
    return new HealthSettings(ONBOARDING_DAYS.from(config), RENEWAL_WINDOW_DAYS.from(config), good, poor,
        SCORECARDS.from(config));
  }

  /** good, warning or poor. */
  public String band(double score) {
    return score >= goodFrom ? "good" : score < poorBelow ? "poor" : "warning";
  }

  /** The version of a stage's card: the stage and a hash of its measures, weights and thresholds. */
  public static String version(Scorecard card) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(card.canonical().getBytes(StandardCharsets.UTF_8));
      return card.stage() + "-" + HexFormat.of().formatHex(hash).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Scorecard> scorecards(ChurnscopeConfig config) {
    Config cards;
    try {
      cards = config.raw().getConfig(CARDS);
    } catch (ConfigException e) {
      throw new UserError(CARDS + " (" + config.origin(CARDS) + ") must be an object of scorecards: " + e.getMessage());
    }
    for (String stage : cards.root().keySet()) {
      if (!Scorecard.STAGES.contains(stage)) {
        throw new UserError(CARDS + "." + stage + ": unknown lifecycle stage; the stages are " + Scorecard.STAGES);
      }
    }
    Map<String, Scorecard> out = new LinkedHashMap<>();
    for (String stage : Scorecard.STAGES) {
      if (!cards.hasPath(stage)) {
        throw new UserError(CARDS + "." + stage + " is missing: every lifecycle stage needs a scorecard "
            + Scorecard.STAGES);
      }
      out.put(stage, card(config, stage, cards.getConfig(stage)));
    }
    return Map.copyOf(out);
  }

  private static Scorecard card(ChurnscopeConfig config, String stage, Config card) {
    String key = CARDS + "." + stage;
    List<MeasureRule> rules = new ArrayList<>();
    for (String id : card.root().keySet()) {
      HealthMeasure measure = HealthMeasure.byId(id);
      if (measure == null) {
        throw new UserError(key + "." + id + ": unknown measure; the measures are " + HealthMeasure.ids());
      }
      MeasureRule rule;
      try {
        Config r = card.getConfig(id);
        rule = new MeasureRule(measure, r.getDouble("weight"), r.getDouble("good"), r.getDouble("poor"));
      } catch (ConfigException e) {
        throw new UserError(key + "." + id + " (" + config.origin(key + "." + id)
            + ") must be { weight = 2, good = ..., poor = ... }: " + e.getMessage());
      }
      if (!(rule.weight() > 0)) {
        throw new UserError(key + "." + id + ".weight = " + rule.weight() + ": must be positive");
      }
      if (!rule.ordered()) {
        throw new UserError(key + "." + id + ": good = " + rule.good() + " and poor = " + rule.poor()
            + " are not ordered: " + id + (measure.higherIsBetter() ? " improves as it grows, so poor < good"
                : " worsens as it grows, so good < poor"));
      }
      rules.add(rule);
    }
    if (rules.isEmpty()) {
      throw new UserError(key + ": a scorecard needs at least one measure");
    }
    return new Scorecard(stage, rules);
  }
}
