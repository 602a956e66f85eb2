package io.churnscope.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import io.churnscope.common.UserError;
import java.io.File;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The resolved configuration of one run.
 *
 * <p>Lookup order, first match wins:
 * <ol>
 *   <li>{@code --set key=value} flags on the command line;</li>
 *   <li>the HOCON file given with {@code --conf};</li>
 *   <li>{@code conf/defaults.conf}, packaged in the jar as {@code churnscope/defaults.conf},
 *       which documents every key.</li>
 * </ol>
 * A key that is missing or of the wrong type raises a {@link UserError} naming the key, where
 * its value came from and what it should be: the job prints that one line and exits non-zero.
 */
public final class ChurnscopeConfig {
  public static final String DEFAULTS_RESOURCE = "churnscope/defaults.conf";

  private final Config config;

  private ChurnscopeConfig(Config config) {
    this.config = config;
  }

  /** Defaults only: what a run without {@code --conf} sees. */
  public static ChurnscopeConfig defaults() {
    return load(null, Map.of());
  }

  /**
   * @param userFile the {@code --conf} file, or null
   * @param overrides {@code --set} values, keyed by config path
   */
  public static ChurnscopeConfig load(File userFile, Map<String, String> overrides) {
    Config defaults = ConfigFactory.parseResources(
        DEFAULTS_RESOURCE, ConfigParseOptions.defaults().setAllowMissing(false));
    Config layered = defaults;
    if (userFile != null) {
      if (!userFile.isFile()) {
        throw new UserError("--conf " + userFile + ": no such file");
      }
      try {
        layered = ConfigFactory.parseFile(userFile).withFallback(layered);
      } catch (ConfigException e) {
        throw new UserError("--conf " + userFile + " is not valid HOCON: " + e.getMessage());
      }
    }
    if (!overrides.isEmpty()) {
      try {
        layered = ConfigFactory.parseMap(overrides, "--set").withFallback(layered);
      } catch (ConfigException e) {
        throw new UserError("unknown configuration key in --set " + overrides.keySet() + ": " + e.getMessage());
      }
    }
    try {
      layered = layered.resolve(ConfigResolveOptions.defaults());
    } catch (ConfigException e) {
      throw new UserError("configuration: " + e.getMessage());
    }
    ChurnscopeConfig resolved = new ChurnscopeConfig(layered);
    resolved.rejectUnknownKeys(defaults);
    return resolved;
  }

  /** A typo in a key would otherwise be silently ignored: refuse keys the defaults do not know. */
  private void rejectUnknownKeys(Config defaults) {
    for (var entry : config.entrySet()) {
      String key = entry.getKey();
      boolean free = key.startsWith("spark.conf.") || key.startsWith("mappings.") || key.startsWith("health.scorecards.")
          || key.startsWith("health.tier-scorecards.")
          || key.startsWith("health.programs.by-tier.")
          || key.startsWith("engagement.funnels.") || key.startsWith("engagement.cadence.by-product.");
      if (!free && !defaults.hasPath(key)) {
        throw new UserError("unknown configuration key '" + key + "' ("
            + entry.getValue().origin().description() + "): check its spelling against conf/defaults.conf");
      }
    }
  }

  /** This configuration with some keys set (by a flag that stands for them, such as {@code nightly --force}). */
  public ChurnscopeConfig with(Map<String, String> values) {
    return new ChurnscopeConfig(ConfigFactory.parseMap(values, "a command-line flag").withFallback(config).resolve());
  }

  public Config raw() {
    return config;
  }

  public boolean has(String key) {
    return config.hasPath(key);
  }

  public String string(String key) {
    try {
      return config.getString(key);
    } catch (ConfigException e) {
      throw wrong(key, "a string", e);
    }
  }

  public List<String> strings(String key) {
    try {
      return config.getStringList(key);
    } catch (ConfigException e) {
      throw wrong(key, "a list of strings", e);
    }
  }

  /** A string that must be one of {@code allowed}. */
  public String oneOf(String key, List<String> allowed) {
    String value = string(key);
    if (!allowed.contains(value)) {
      throw new UserError(key + " = '" + value + "' (" + origin(key) + "): must be one of " + allowed);
    }
    return value;
  }

  public int integer(String key) {
    try {
      return config.getInt(key);
    } catch (ConfigException e) {
      throw wrong(key, "a whole number", e);
    }
  }

  public int positiveInt(String key) {
    int value = integer(key);
    if (value <= 0) {
      throw new UserError(key + " = " + value + " (" + origin(key) + "): must be a positive whole number");
    }
    return value;
  }

  /** A whole number in [min, max]. */
  public int intBetween(String key, int min, int max) {
    int value = integer(key);
    if (value < min || value > max) {
      throw new UserError(key + " = " + value + " (" + origin(key) + "): must be "
          + (max == Integer.MAX_VALUE ? min + " or more" : "between " + min + " and " + max));
    }
    return value;
  }

  public double number(String key) {
    try {
      return config.getDouble(key);
    } catch (ConfigException e) {
      throw wrong(key, "a number", e);
    }
  }

  /** A number in [min, max]. */
  public double numberBetween(String key, double min, double max) {
    double value = number(key);
    if (value < min || value > max) {
      throw new UserError(key + " = " + value + " (" + origin(key) + "): must be between " + min + " and " + max);
    }
    return value;
  }

  public boolean bool(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException e) {
      throw wrong(key, "true or false", e);
    }
  }

  public LocalDate date(String key) {
    String text = string(key);
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new UserError(key + " = '" + text + "' (" + origin(key) + "): must be a date like 2026-03-31");
    }
  }

  /** Where a key's value came from, for error messages. */
  public String origin(String key) {
    return config.hasPath(key) ? config.getValue(key).origin().description() : "not set";
  }

  private UserError wrong(String key, String expected, ConfigException e) {
    if (e instanceof ConfigException.Missing) {
      return new UserError("configuration key '" + key + "' is missing: add it to your --conf file (see conf/defaults.conf)");
    }
    return new UserError(key + " (" + origin(key) + ") must be " + expected + ": " + e.getMessage());
  }
}
