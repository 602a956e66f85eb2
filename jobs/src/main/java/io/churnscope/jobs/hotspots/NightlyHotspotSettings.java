package io.churnscope.jobs.hotspots;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import io.churnscope.jobs.dimensions.AccountAttributes;
import java.util.List;

/**
 * The {@code hotspots.nightly.*} keys: which population the nightly {@code churn-hotspots} stage
 * searches and how. The search itself is bounded by {@code hotspots.*} ({@link HotspotSettings}).
 *
 * @param poolMonths complete months of renewal pool before the run date
 * @param lookbackDays dimensions are measured this many days before the churn or renewal date
 * @param dimensions columns of {@link AccountAttributes} searched
 * @param churnKinds {@code established} and/or {@code early}: each its own search
 * @param revenueWeighted also search each churn kind weighted by MRR at risk
 * @param top sentences logged per analysis
 */
public record NightlyHotspotSettings(int poolMonths, int lookbackDays, List<String> dimensions, List<String> churnKinds,
    boolean revenueWeighted, int top) {
  static final List<String> CHURN_KINDS = List.of("established", "early");

  public static final ConfigKey<Integer> POOL_MONTHS = ConfigKey.positiveInt("hotspots.nightly.pool-months");
  public static final ConfigKey<Integer> LOOKBACK_DAYS = ConfigKey.positiveInt("hotspots.nightly.lookback-days");
  public static final ConfigKey<List<String>> DIMENSIONS = ConfigKey.of("hotspots.nightly.dimensions",
      "a list of account attributes, at least one", NightlyHotspotSettings::dimensions);
  public static final ConfigKey<List<String>> CHURN_KINDS_KEY = ConfigKey.of("hotspots.nightly.churn-kinds",
      "some of " + CHURN_KINDS, NightlyHotspotSettings::churnKinds);
  public static final ConfigKey<Boolean> REVENUE_WEIGHTED = ConfigKey.bool("hotspots.nightly.revenue-weighted");
  public static final ConfigKey<Integer> TOP = ConfigKey.intAtLeast("hotspots.nightly.top", 0);

  public static NightlyHotspotSettings from(ChurnscopeConfig config) {
    return new NightlyHotspotSettings(POOL_MONTHS.from(config), LOOKBACK_DAYS.from(config), DIMENSIONS.from(config),
        CHURN_KINDS_KEY.from(config), REVENUE_WEIGHTED.from(config), TOP.from(config));
  }

  private static List<String> dimensions(ChurnscopeConfig config) {
    String key = "hotspots.nightly.dimensions";
    List<String> dimensions = config.strings(key);
    for (String d : dimensions) {
      if (!AccountAttributes.COLUMNS.contains(d) || d.equals("account_id") || d.equals("as_of_date")) {
        throw new UserError(key + " (" + config.origin(key) + "): '" + d
            + "' is not an account attribute; choose from " + AccountAttributes.COLUMNS.subList(2, AccountAttributes.COLUMNS.size()));
      }
    }
    if (dimensions.isEmpty()) {
      throw new UserError(key + " (" + config.origin(key) + "): give at least one dimension");
    }
    return List.copyOf(dimensions);
  }

  private static List<String> churnKinds(ChurnscopeConfig config) {
    String key = "hotspots.nightly.churn-kinds";
    List<String> kinds = config.strings(key);
    if (kinds.isEmpty() || !CHURN_KINDS.containsAll(kinds)) {
      throw new UserError(key + " = " + kinds + " (" + config.origin(key) + "): must be some of " + CHURN_KINDS);
    }
    return List.copyOf(kinds);
  }

  /** The analyses of each churn kind, in order: the kind, then its revenue-weighted variant. */
  java.util.Map<String, List<String>> analysesByKind() {
    java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    for (String kind : churnKinds) {
      out.put(kind, revenueWeighted ? List.of(kind, kind + "_revenue") : List.of(kind));
    }
    return out;
  }
}
