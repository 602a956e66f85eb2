package io.churnscope.jobs.engagement;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.jobs.subscriptions.LicensedSeats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code engagement.*} keys of {@code conf/defaults.conf}, read and checked once. Reading them
 * is the stages' {@code validate}: a bad value fails the run before Spark starts.
 *
 * @param seatProducts {@code subscriptions.seat-products}, read here too because the snapshot's seats are
 *     {@link LicensedSeats}, the definition {@code marts.account_status} uses
 * @param cadenceByProduct product → daily / weekly / monthly, from {@code engagement.cadence.by-product.<product>}
 */
public record EngagementSettings(
    List<String> passiveEvents,
    long idleTimeoutSeconds,
    long maxSessionSeconds,
    int mauWindowDays,
    int dailyMinActiveDays,
    int weeklyMinActiveDays,
    double lowUtilizationBelow,
    double highUtilizationFrom,
    double growAbove,
    List<String> seatProducts,
    int narrowBreadthBelow,
    int broadBreadthFrom,
    double declineThreshold,
    double spreadBelow,
    double concentratedFrom,
    String defaultCadence,
    Map<String, String> cadenceByProduct) {

  static final List<String> CADENCES = List.of("daily", "weekly", "monthly");

  public static EngagementSettings from(ChurnscopeConfig config) {
    int mau = config.positiveInt("engagement.mau-window-days");
    if (mau != 28 && mau != 30) {
      throw new UserError("engagement.mau-window-days = " + mau + " (" + config.origin("engagement.mau-window-days")
          + "): must be 28 or 30");
    }
    int daily = config.positiveInt("engagement.frequency.daily-min-active-days");
    int weekly = config.positiveInt("engagement.frequency.weekly-min-active-days");
    if (weekly >= daily || daily > 14) {
      throw new UserError("engagement.frequency: need weekly-min-active-days < daily-min-active-days <= 14, got "
          + weekly + " and " + daily);
    }
    double[] utilization = ascendingPair(config, "engagement.utilization.edges");
    double[] breadth = ascendingPair(config, "engagement.breadth.edges");
    double[] concentration = ascendingPair(config, "engagement.concentration.edges");
    Map<String, String> byProduct = new TreeMap<>();
    String prefix = "engagement.cadence.by-product";
    if (config.raw().hasPath(prefix)) {
      for (String product : config.raw().getConfig(prefix).root().keySet()) {
        byProduct.put(product, cadence(config, prefix + ".\"" + product + "\""));
      }
    }
    return new EngagementSettings(
        config.strings("engagement.passive-events"),
        config.positiveInt("engagement.session.idle-timeout-minutes") * 60L,
        config.positiveInt("engagement.session.max-length-minutes") * 60L,
        mau, daily, weekly,
        utilization[0], utilization[1],
        config.numberBetween("engagement.utilization.grow-above", 0, 100),
        LicensedSeats.products(config),
        (int) breadth[0], (int) breadth[1],
        config.numberBetween("engagement.trend.decline-threshold", 0, 1),
        concentration[0], concentration[1],
        cadence(config, "engagement.cadence.default"),
        Map.copyOf(byProduct));
  }

  /** The cadence of a product: its own, else the default. */
  public String cadenceOf(String product) {
    return product == null ? defaultCadence : cadenceByProduct.getOrDefault(product, defaultCadence);
  }

  private static String cadence(ChurnscopeConfig config, String key) {
    String value = config.string(key);
    if (!CADENCES.contains(value)) {
      throw new UserError(key + " = '" + value + "' (" + config.origin(key) + "): must be one of " + CADENCES);
    }
    return value;
  }

  private static double[] ascendingPair(ChurnscopeConfig config, String key) {
    List<Double> edges;
    try {
      edges = config.raw().getDoubleList(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new UserError(key + " (" + config.origin(key) + ") must be a list of two numbers: " + e.getMessage());
    }
    if (edges.size() != 2 || edges.get(0) < 0 || edges.get(0) >= edges.get(1)) {
      throw new UserError(key + " = " + edges + " (" + config.origin(key) + "): must be two ascending numbers, "
          + "0 or more, like [0.5, 0.8]");
    }
    return new double[] {edges.get(0), edges.get(1)};
  }
}
