package io.churnscope.jobs.cube;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import io.churnscope.common.schema.CubeTables;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The {@code cube.*} keys (docs/cube.md), read and checked once.
 *
 * @param fiscalYearStartMonth first calendar month of the fiscal year, 1-12
 * @param reopenedMonths closed months before the run's month whose attributes are evaluated again
 * @param rollupSets the grouping sets of {@code cube.cube_rollup}
 */
public record CubeSettings(int fiscalYearStartMonth, int reopenedMonths, RollupSets rollupSets) {
  public static final ConfigKey<Integer> FISCAL_YEAR_START_MONTH = ConfigKey.intBetween("cube.fiscal-year-start-month", 1, 12);
  public static final ConfigKey<Integer> REOPENED_MONTHS = ConfigKey.intAtLeast("cube.reopened-months", 0);
  public static final ConfigKey<List<String>> ROLLUP_DIMENSIONS = ConfigKey.of("cube.rollup-dimensions",
      "a list of distinct rollup dimensions, at least one", CubeSettings::rollupDimensions);
  public static final ConfigKey<List<String>> ROLLUP_TRIPLES = ConfigKey.strings("cube.rollup-triples");

  public static CubeSettings from(ChurnscopeConfig config) {
    return new CubeSettings(FISCAL_YEAR_START_MONTH.from(config), REOPENED_MONTHS.from(config), rollupSets(config));
  }

  private static List<String> rollupDimensions(ChurnscopeConfig config) {
    String key = "cube.rollup-dimensions";
    List<String> dimensions = config.strings(key);
    for (String dimension : dimensions) {
      if (!CubeTables.ROLLUP_DIMENSIONS.contains(dimension)) {
        throw new UserError(key + ": unknown dimension '" + dimension + "' (" + config.origin(key)
            + "); the dimensions are " + CubeTables.ROLLUP_DIMENSIONS);
      }
    }
    if (new LinkedHashSet<>(dimensions).size() != dimensions.size() || dimensions.isEmpty()) {
      throw new UserError(key + ": list each dimension once, at least one (" + config.origin(key) + ")");
    }
    return List.copyOf(dimensions);
  }

  /** Each triple names three distinct dimensions of the rollup. */
  private static RollupSets rollupSets(ChurnscopeConfig config) {
    List<String> dimensions = ROLLUP_DIMENSIONS.from(config);
    List<List<String>> triples = new ArrayList<>();
    for (String triple : ROLLUP_TRIPLES.from(config)) {
      List<String> names = List.of(triple.trim().split("\\s*,\\s*"));
      if (names.size() != 3 || new LinkedHashSet<>(names).size() != 3 || !dimensions.containsAll(names)) {
        throw new UserError(ROLLUP_TRIPLES.path() + ": '" + triple + "' is not three distinct dimensions of "
            + ROLLUP_DIMENSIONS.path() + " (" + config.origin(ROLLUP_TRIPLES.path()) + ")");
      }
      triples.add(names);
    }
    return new RollupSets(dimensions, List.copyOf(triples));
  }
}
