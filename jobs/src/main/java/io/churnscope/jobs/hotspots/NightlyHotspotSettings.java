package io.churnscope.jobs.hotspots;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
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

  public static NightlyHotspotSettings from(ChurnscopeConfig config) {
    String p = "hotspots.nightly.";
    List<String> dimensions = config.strings(p + "dimensions");
    for (String d : dimensions) {
      if (!AccountAttributes.COLUMNS.contains(d) || d.equals("account_id") || d.equals("as_of_date")) {
        throw new UserError(p + "dimensions (" + config.origin(p + "dimensions") + "): '" + d
            + "' is not an account attribute; choose from " + AccountAttributes.COLUMNS.subList(2, AccountAttributes.COLUMNS.size()));
      }
    }
    if (dimensions.isEmpty()) {
      throw new UserError(p + "dimensions (" + config.origin(p + "dimensions") + "): give at least one dimension");
    }
    List<String> kinds = config.strings(p + "churn-kinds");
    if (kinds.isEmpty() || !CHURN_KINDS.containsAll(kinds)) {
      throw new UserError(p + "churn-kinds = " + kinds + " (" + config.origin(p + "churn-kinds") + "): must be some of "
          + CHURN_KINDS);
    }
    int top = config.integer(p + "top");
    if (top < 0) {
      throw new UserError(p + "top = " + top + ": must be 0 or more");
    }
    return new NightlyHotspotSettings(config.positiveInt(p + "pool-months"), config.positiveInt(p + "lookback-days"),
        List.copyOf(dimensions), List.copyOf(kinds), config.bool(p + "revenue-weighted"), top);
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
