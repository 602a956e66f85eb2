package io.churnscope.jobs.health;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import io.churnscope.jobs.subscriptions.ArrTiers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * @param tierScorecards the cards of a stage for one ARR tier, keyed by tier ("Tier 1") then stage
 */
public record HealthSettings(int onboardingDays, int renewalWindowDays, double goodFrom, double poorBelow,
    Map<String, Scorecard> scorecards, Map<String, Map<String, Scorecard>> tierScorecards)
    implements java.io.Serializable {
  static final String CARDS = "health.scorecards";
  static final String TIER_CARDS = "health.tier-scorecards";
  private static final Pattern TIER_KEY = Pattern.compile("tier-([1-9][0-9]*)");

  public static final ConfigKey<Integer> ONBOARDING_DAYS = ConfigKey.positiveInt("health.onboarding-days");
  public static final ConfigKey<Integer> RENEWAL_WINDOW_DAYS = ConfigKey.positiveInt("health.renewal-window-days");
  public static final ConfigKey<Double> GOOD_FROM = ConfigKey.numberBetween("health.score-bands.good-from", 0, 100);
  public static final ConfigKey<Double> POOR_BELOW = ConfigKey.numberBetween("health.score-bands.poor-below", 0, 100);
  public static final ConfigKey<Map<String, Scorecard>> SCORECARDS = ConfigKey.of(CARDS,
      "an object: lifecycle stage = { measure = { weight, good, poor } }, a card for every stage",
      HealthSettings::scorecards);
  public static final ConfigKey<Map<String, Map<String, Scorecard>>> TIER_SCORECARDS = ConfigKey.of(TIER_CARDS,
      "an object: tier-N = { lifecycle stage = { measure = { weight, good, poor } } }, for tiers of subscriptions.arr-tiers",
      HealthSettings::tierScorecards);

  public static HealthSettings from(ChurnscopeConfig config) {
    double good = GOOD_FROM.from(config);
    double poor = POOR_BELOW.from(config);
    if (poor >= good) {
      throw new UserError("health.score-bands: poor-below (" + poor + ") must be below good-from (" + good + ")");
    }
    return new HealthSettings(ONBOARDING_DAYS.from(config), RENEWAL_WINDOW_DAYS.from(config), good, poor,
        SCORECARDS.from(config), TIER_SCORECARDS.from(config));
  }

  /** The card an account is scored on: its tier's card of the stage if there is one, else the stage's. */
  public Scorecard card(String stage, String tier) {
    Scorecard own = tier == null ? null : tierScorecards.getOrDefault(tier, Map.of()).get(stage);
    return own != null ? own : scorecards.get(stage);
  }

  /** Every card: the stages' and the tiers'. */
  public List<Scorecard> allCards() {
    List<Scorecard> all = new ArrayList<>(scorecards.values());
    tierScorecards.values().forEach(byStage -> all.addAll(byStage.values()));
    return all;
  }

  /** "Tier 1" → {@code tier-1}, the tier's key under {@code health.tier-scorecards}. */
  static String tierKey(String tier) {
    return tier.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
  }

  /** good, warning or poor. */
  public String band(double score) {
    return score >= goodFrom ? "good" : score < poorBelow ? "poor" : "warning";
  }

  /** The version of a stage's card: the stage and a hash of its measures, weights and thresholds. */
  public static String version(Scorecard card) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(card.canonical().getBytes(StandardCharsets.UTF_8));
      return card.name() + "-" + HexFormat.of().formatHex(hash).substring(0, 8);
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

  private static Map<String, Map<String, Scorecard>> tierScorecards(ChurnscopeConfig config) {
    if (!config.raw().hasPath(TIER_CARDS)) {
      return Map.of();
    }
    Config tiers;
    try {
      tiers = config.raw().getConfig(TIER_CARDS);
    } catch (ConfigException e) {
      throw new UserError(TIER_CARDS + " (" + config.origin(TIER_CARDS) + ") must be an object of tiers: " + e.getMessage());
    }
    int tierCount = ArrTiers.from(config).thresholds().size() + 1;
    Map<String, Map<String, Scorecard>> out = new LinkedHashMap<>();
    for (String tierKey : tiers.root().keySet()) {
      Matcher m = TIER_KEY.matcher(tierKey);
      if (!m.matches() || Integer.parseInt(m.group(1)) > tierCount) {
        throw new UserError(TIER_CARDS + "." + tierKey + ": unknown tier; subscriptions.arr-tiers makes tier-1 to tier-"
            + tierCount);
      }
      String tier = "Tier " + m.group(1);
      Config stages = tiers.getConfig(tierKey);
      Map<String, Scorecard> byStage = new LinkedHashMap<>();
      for (String stage : stages.root().keySet()) {
        if (!Scorecard.STAGES.contains(stage)) {
          throw new UserError(TIER_CARDS + "." + tierKey + "." + stage + ": unknown lifecycle stage; the stages are "
              + Scorecard.STAGES);
        }
        byStage.put(stage, card(config, TIER_CARDS + "." + tierKey + "." + stage, stage, tier, stages.getConfig(stage)));
      }
      out.put(tier, Map.copyOf(byStage));
    }
    return Map.copyOf(out);
  }

  private static Scorecard card(ChurnscopeConfig config, String stage, Config card) {
    return card(config, CARDS + "." + stage, stage, null, card);
  }

  private static Scorecard card(ChurnscopeConfig config, String key, String stage, String tier, Config card) {
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
    return new Scorecard(stage, tier, rules);
  }
}
