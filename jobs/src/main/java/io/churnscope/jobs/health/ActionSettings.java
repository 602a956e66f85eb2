package io.churnscope.jobs.health;

import com.typesafe.config.ConfigException;
import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code health.actions.*} and {@code health.programs.*} keys: each list rule's threshold and
 * call to action, and how accounts are routed to engagement programs by ARR tier.
 *
 * @param thresholds rule → its threshold (rules without one are absent)
 * @param callsToAction rule → what to do
 * @param programByTier ARR tier → high_touch, coverage or digital
 * @param defaultProgram the program of an account without a tier (a trial)
 * @param coverageCapacity accounts the coverage team can act on: csms x accounts-per-csm
 */
public record ActionSettings(Map<ActionRule, Double> thresholds, Map<ActionRule, String> callsToAction,
    Map<String, String> programByTier, String defaultProgram, int coverageCapacity) implements Serializable {
  public static final List<String> PROGRAMS = List.of("high_touch", "coverage", "digital");

  public static final ConfigKey<Map<ActionRule, Double>> THRESHOLDS = ConfigKey.of("health.actions",
      "an object: rule = { <threshold> = number, call-to-action = text } for every rule", ActionSettings::thresholds);
  public static final ConfigKey<Map<String, String>> PROGRAM_BY_TIER = ConfigKey.of("health.programs.by-tier",
      "an object: ARR tier = high_touch, coverage or digital", ActionSettings::programByTier);
  public static final ConfigKey<String> DEFAULT_PROGRAM = ConfigKey.oneOf("health.programs.default", PROGRAMS);
  public static final ConfigKey<Integer> COVERAGE_CSMS = ConfigKey.intAtLeast("health.programs.coverage.csms", 0);
  public static final ConfigKey<Integer> COVERAGE_ACCOUNTS_PER_CSM =
      ConfigKey.positiveInt("health.programs.coverage.accounts-per-csm");

  public static ActionSettings from(ChurnscopeConfig config) {
    Map<ActionRule, String> calls = new LinkedHashMap<>();
    for (ActionRule rule : ActionRule.values()) {
      String key = "health.actions." + rule.id() + ".call-to-action";
      String call = config.string(key);
      if (call.isBlank()) {
        throw new UserError(key + " (" + config.origin(key) + "): give the call to action, e.g. \"Call the champion\"");
      }
      calls.put(rule, call);
    }
    return new ActionSettings(THRESHOLDS.from(config), Map.copyOf(calls), PROGRAM_BY_TIER.from(config),
        DEFAULT_PROGRAM.from(config), COVERAGE_CSMS.from(config) * COVERAGE_ACCOUNTS_PER_CSM.from(config));
  }

  public double threshold(ActionRule rule) {
    return thresholds.get(rule);
  }

  private static Map<ActionRule, Double> thresholds(ChurnscopeConfig config) {
    for (String id : config.raw().getConfig("health.actions").root().keySet()) {
      if (!ActionRule.ids().contains(id)) {
        throw new UserError("health.actions." + id + ": unknown rule; the rules are " + ActionRule.ids());
      }
    }
    Map<ActionRule, Double> out = new LinkedHashMap<>();
    for (ActionRule rule : ActionRule.values()) {
      if (rule.threshold() != null) {
        out.put(rule, config.number("health.actions." + rule.id() + "." + rule.threshold()));
      }
    }
    return Map.copyOf(out);
  }

  private static Map<String, String> programByTier(ChurnscopeConfig config) {
    String key = "health.programs.by-tier";
    Map<String, String> out = new TreeMap<>();
    try {
      for (String tier : config.raw().getConfig(key).root().keySet()) {
        out.put(tier, config.oneOf(key + ".\"" + tier + "\"", PROGRAMS));
      }
    } catch (ConfigException e) {
      throw new UserError(key + " (" + config.origin(key) + ") must be an object of tier = program: " + e.getMessage());
    }
    return Map.copyOf(out);
  }
}
