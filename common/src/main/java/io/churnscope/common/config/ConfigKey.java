package io.churnscope.common.config;

import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;

/**
 * One configuration key, declared once: its path, what its value must be, and how it is read and
 * checked. Each block's settings record ({@code IngestSettings.from(config)}, ...) declares its keys
 * as constants of this type and reads them only through them, as Delta's {@code DeltaSQLConf} and
 * Iceberg's {@code SparkConfParser} do; the configuration reference (docs/configuration.md) is
 * generated from these declarations, with the defaults and comments of {@code conf/defaults.conf}.
 *
 * <p>A bad value fails with one line naming the key, where its value came from and what it must be
 * (a {@link io.churnscope.common.UserError}).
 *
 * @param path the key, e.g. {@code ingest.max-lateness-days}
 * @param kind what the value must be, in words, e.g. {@code "a positive whole number"}
 * @param reader reads and checks the value
 */
public record ConfigKey<T>(String path, String kind, Function<ChurnscopeConfig, T> reader) {
  public T from(ChurnscopeConfig config) {
    return reader.apply(config);
  }

  public static ConfigKey<String> string(String path) {
    return new ConfigKey<>(path, "a string", c -> c.string(path));
  }

  public static ConfigKey<List<String>> strings(String path) {
    return new ConfigKey<>(path, "a list of strings", c -> c.strings(path));
  }

  public static ConfigKey<String> oneOf(String path, List<String> allowed) {
    return new ConfigKey<>(path, "one of " + String.join(", ", allowed), c -> c.oneOf(path, allowed));
  }

  public static ConfigKey<Integer> integer(String path) {
    return new ConfigKey<>(path, "a whole number", c -> c.integer(path));
  }

  public static ConfigKey<Integer> positiveInt(String path) {
    return new ConfigKey<>(path, "a positive whole number", c -> c.positiveInt(path));
  }

  /** A whole number of at least {@code min}. */
  public static ConfigKey<Integer> intAtLeast(String path, int min) {
    return new ConfigKey<>(path, "a whole number, " + min + " or more", c -> c.intBetween(path, min, Integer.MAX_VALUE));
  }

  /** A whole number in [min, max]. */
  public static ConfigKey<Integer> intBetween(String path, int min, int max) {
    return new ConfigKey<>(path, "a whole number from " + min + " to " + max, c -> c.intBetween(path, min, max));
  }

  public static ConfigKey<Double> number(String path) {
    return new ConfigKey<>(path, "a number", c -> c.number(path));
  }

  /** A number in [min, max]. */
  public static ConfigKey<Double> numberBetween(String path, double min, double max) {
    return new ConfigKey<>(path, "a number from " + min + " to " + max, c -> c.numberBetween(path, min, max));
  }

  public static ConfigKey<Boolean> bool(String path) {
    return new ConfigKey<>(path, "true or false", c -> c.bool(path));
  }

  public static ConfigKey<LocalDate> date(String path) {
    return new ConfigKey<>(path, "a date, YYYY-MM-DD", c -> c.date(path));
  }

  /**
   * A key whose value has a shape of its own (a list of objects, a map of names): its settings
   * record reads and checks it; {@code kind} says what it must be.
   */
  public static <T> ConfigKey<T> of(String path, String kind, Function<ChurnscopeConfig, T> reader) {
    return new ConfigKey<>(path, kind, reader);
  }
}
