package io.churnscope.jobs.engagement;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
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

  public static final ConfigKey<List<String>> PASSIVE_EVENTS = ConfigKey.strings("engagement.passive-events");
  public static final ConfigKey<Integer> IDLE_TIMEOUT_MINUTES = ConfigKey.positiveInt("engagement.session.idle-timeout-minutes");
  public static final ConfigKey<Integer> MAX_SESSION_MINUTES = ConfigKey.positiveInt("engagement.session.max-length-minutes");
  public static final ConfigKey<Integer> MAU_WINDOW_DAYS = ConfigKey.of("engagement.mau-window-days", "28 or 30",
      EngagementSettings::mauWindowDays);
  public static final ConfigKey<Integer> DAILY_MIN_ACTIVE_DAYS =
      ConfigKey.positiveInt("engagement.frequency.daily-min-active-days");
  public static final ConfigKey<Integer> WEEKLY_MIN_ACTIVE_DAYS =
      ConfigKey.positiveInt("engagement.frequency.weekly-min-active-days");
  public static final ConfigKey<double[]> UTILIZATION_EDGES = ascendingPairKey("engagement.utilization.edges");
  public static final ConfigKey<Double> GROW_ABOVE = ConfigKey.numberBetween("engagement.utilization.grow-above", 0, 100);
  public static final ConfigKey<double[]> BREADTH_EDGES = ascendingPairKey("engagement.breadth.edges");
  public static final ConfigKey<Double> DECLINE_THRESHOLD = ConfigKey.numberBetween("engagement.trend.decline-threshold", 0, 1);
  public static final ConfigKey<double[]> CONCENTRATION_EDGES = ascendingPairKey("engagement.concentration.edges");
  public static final ConfigKey<String> DEFAULT_CADENCE = ConfigKey.oneOf("engagement.cadence.default", CADENCES);
  public static final ConfigKey<Map<String, String>> CADENCE_BY_PRODUCT = ConfigKey.of("engagement.cadence.by-product",
      "an object: product = daily, weekly or monthly", EngagementSettings::cadenceByProduct);

  public static EngagementSettings from(ChurnscopeConfig config) {
    int daily = DAILY_MIN_ACTIVE_DAYS.from(config);
    int weekly = WEEKLY_MIN_ACTIVE_DAYS.from(config);
    if (weekly >= daily || daily > 14) {
      throw new UserError("engagement.frequency: need weekly-min-active-days < daily-min-active-days <= 14, got "
          + weekly + " and " + daily);
    }
    double[] utilization = UTILIZATION_EDGES.from(config);
    double[] breadth = BREADTH_EDGES.from(config);
    double[] concentration = CONCENTRATION_EDGES.from(config);
    return new EngagementSettings(
        PASSIVE_EVENTS.from(config),
        IDLE_TIMEOUT_MINUTES.from(config) * 60L,
        MAX_SESSION_MINUTES.from(config) * 60L,
        MAU_WINDOW_DAYS.from(config), daily, weekly,
        utilization[0], utilization[1],
        GROW_ABOVE.from(config),
        LicensedSeats.products(config),
        (int) breadth[0], (int) breadth[1],
        DECLINE_THRESHOLD.from(config),
        concentration[0], concentration[1],
        DEFAULT_CADENCE.from(config),
        CADENCE_BY_PRODUCT.from(config));
  }

  private static int mauWindowDays(ChurnscopeConfig config) {
    int mau = config.positiveInt("engagement.mau-window-days");
    if (mau != 28 && mau != 30) {
      throw new UserError("engagement.mau-window-days = " + mau + " (" + config.origin("engagement.mau-window-days")
          + "): must be 28 or 30");
    }
    return mau;
  }

  private static Map<String, String> cadenceByProduct(ChurnscopeConfig config) {
    Map<String, String> byProduct = new TreeMap<>();
    String prefix = "engagement.cadence.by-product";
    if (config.raw().hasPath(prefix)) {
      for (String product : config.raw().getConfig(prefix).root().keySet()) {
        byProduct.put(product, cadence(config, prefix + ".\"" + product + "\""));
      }
    }
    return Map.copyOf(byProduct);
  }

  private static ConfigKey<double[]> ascendingPairKey(String key) {
    return ConfigKey.of(key, "two ascending numbers, 0 or more, like [0.5, 0.8]", c -> ascendingPair(c, key));
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
