package io.churnscope.jobs.subscriptions;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code subscriptions.*} keys and {@code base-currency}: how the MRR ledger, churn and the
 * account status read the billing history (docs/subscriptions.md). Read and checked once.
 *
 * @param baseCurrency the currency every amount is converted to
 * @param reactivationWindowMonths a return within this many months of churning is a reactivation
 * @param refundWindowDays a cancellation within this many days of the first paid day is early churn
 * @param stickPointDays churn before this many days of paid tenure is early churn too
 * @param arrTiers the ARR thresholds of {@code marts.account_status.arr_tier}
 * @param trialConversionDays a trial converts when it first pays within this many days of its end
 * @param seatProducts products whose quantity counts as licensed seats; empty: every product
 */
public record SubscriptionSettings(String baseCurrency, int reactivationWindowMonths, int refundWindowDays,
    int stickPointDays, ArrTiers arrTiers, int trialConversionDays, List<String> seatProducts) {

  public static final ConfigKey<String> BASE_CURRENCY = ConfigKey.string("base-currency");
  public static final ConfigKey<Integer> REACTIVATION_WINDOW_MONTHS =
      ConfigKey.intAtLeast("subscriptions.reactivation-window-months", 0);
  public static final ConfigKey<Integer> REFUND_WINDOW_DAYS = ConfigKey.positiveInt("subscriptions.refund-window-days");
  public static final ConfigKey<Integer> STICK_POINT_DAYS = ConfigKey.positiveInt("subscriptions.stick-point-days");
  public static final ConfigKey<ArrTiers> ARR_TIERS = ConfigKey.of("subscriptions.arr-tiers",
      "a list of positive numbers, strictly decreasing", SubscriptionSettings::arrTiers);
  public static final ConfigKey<Integer> TRIAL_CONVERSION_DAYS = ConfigKey.positiveInt("subscriptions.trial-conversion-days");
  public static final ConfigKey<List<String>> SEAT_PRODUCTS = ConfigKey.strings("subscriptions.seat-products");

  public static SubscriptionSettings from(ChurnscopeConfig config) {
    return new SubscriptionSettings(BASE_CURRENCY.from(config), REACTIVATION_WINDOW_MONTHS.from(config),
        REFUND_WINDOW_DAYS.from(config), STICK_POINT_DAYS.from(config), ARR_TIERS.from(config),
        TRIAL_CONVERSION_DAYS.from(config), List.copyOf(SEAT_PRODUCTS.from(config)));
  }

  /** At least one threshold, positive, strictly decreasing. */
  private static ArrTiers arrTiers(ChurnscopeConfig config) {
    String key = "subscriptions.arr-tiers";
    List<BigDecimal> values = new ArrayList<>();
    for (String text : config.strings(key)) {
      try {
        values.add(new BigDecimal(text.trim()));
      } catch (NumberFormatException e) {
        throw new UserError(key + " (" + config.origin(key) + "): '" + text + "' is not a number");
      }
    }
    if (values.isEmpty()) {
      throw new UserError(key + " (" + config.origin(key) + "): give at least one ARR threshold, highest first");
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).signum() <= 0 || (i > 0 && values.get(i).compareTo(values.get(i - 1)) >= 0)) {
        throw new UserError(key + " = " + values + " (" + config.origin(key)
            + "): thresholds must be positive and strictly decreasing, e.g. [120000, 24000]");
      }
    }
    return new ArrTiers(List.copyOf(values));
  }
}
