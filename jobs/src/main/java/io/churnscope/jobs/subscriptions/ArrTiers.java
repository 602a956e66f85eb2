package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * ARR tiers of {@code marts.account_status}: the thresholds of {@code subscriptions.arr-tiers},
 * highest first. ARR at or above the first is "Tier 1", at or above the second "Tier 2", and so
 * on; a paying account below the last threshold is in the tier after it.
 */
public record ArrTiers(List<BigDecimal> thresholds) {
  public static final String KEY = "subscriptions.arr-tiers";

  /** Reads and checks the thresholds: at least one, positive, strictly decreasing. */
  public static ArrTiers from(ChurnscopeConfig config) {
    List<BigDecimal> values = new ArrayList<>();
    for (String text : config.strings(KEY)) {
      try {
        values.add(new BigDecimal(text.trim()));
      } catch (NumberFormatException e) {
        throw new UserError(KEY + " (" + config.origin(KEY) + "): '" + text + "' is not a number");
      }
    }
    if (values.isEmpty()) {
      throw new UserError(KEY + " (" + config.origin(KEY) + "): give at least one ARR threshold, highest first");
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).signum() <= 0 || (i > 0 && values.get(i).compareTo(values.get(i - 1)) >= 0)) {
        throw new UserError(KEY + " = " + values + " (" + config.origin(KEY)
            + "): thresholds must be positive and strictly decreasing, e.g. [120000, 24000]");
      }
    }
    return new ArrTiers(List.copyOf(values));
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
