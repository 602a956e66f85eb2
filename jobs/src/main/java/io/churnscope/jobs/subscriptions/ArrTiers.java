package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.config.ChurnscopeConfig;
import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * ARR tiers of {@code marts.account_status}: the thresholds of {@code subscriptions.arr-tiers},
 * highest first. ARR at or above the first is "Tier 1", at or above the second "Tier 2", and so
 * on; a paying account below the last threshold is in the tier after it.
 */
public record ArrTiers(List<BigDecimal> thresholds) {
  /** The configured tiers ({@link SubscriptionSettings#ARR_TIERS}). */
  public static ArrTiers from(ChurnscopeConfig config) {
    return SubscriptionSettings.ARR_TIERS.from(config);
  }

  /** "Tier n" for an ARR above 0; null for an account without ARR (not a customer). */
  public Column tierOf(Column arr) {
    Column tier = when(arr.leq(0), lit(null).cast("string"));
    for (int i = 0; i < thresholds.size(); i++) {
      tier = tier.when(arr.geq(lit(thresholds.get(i))), lit("Tier " + (i + 1)));
    }
    return tier.otherwise(lit("Tier " + (thresholds.size() + 1)));
  }
}
