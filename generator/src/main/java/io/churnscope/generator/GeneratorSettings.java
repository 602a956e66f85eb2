package io.churnscope.generator;

import io.churnscope.common.config.ConfigKey;
import java.time.LocalDate;

/**
 * The {@code generator.*} keys: the sample lake's defaults. The generator's flags override each
 * (the flag and the key share a name); {@code SampleLakeGenerator.Args#params} checks the result.
 */
public final class GeneratorSettings {
  public static final ConfigKey<Integer> SEED = ConfigKey.integer("generator.seed");
  public static final ConfigKey<LocalDate> END_DATE = ConfigKey.date("generator.end-date");
  public static final ConfigKey<Integer> HISTORY_MONTHS = ConfigKey.intBetween("generator.history-months", 1, 120);
  public static final ConfigKey<Integer> USAGE_DAYS = ConfigKey.intAtLeast("generator.usage-days", 14);
  public static final ConfigKey<Double> BAD_RECORD_RATE = ConfigKey.numberBetween("generator.bad-record-rate", 0, 0.2);

  private GeneratorSettings() {}
}
