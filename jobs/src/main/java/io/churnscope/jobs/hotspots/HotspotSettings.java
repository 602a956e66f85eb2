package io.churnscope.jobs.hotspots;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;

/**
 * How the search is bounded and what counts as a hot-spot. Defaults live in
 * {@code conf/defaults.conf} under {@code hotspots}; the standalone job's flags override them.
 *
 * @param maxOrder most dimension values in one segment (1 = single values only)
 * @param minSupport fewest accounts a segment needs to be tested (and to have children)
 * @param minSupportShare smallest share of the population a segment needs, as well
 * @param fdr false-discovery rate for the Benjamini–Hochberg control, in (0, 1)
 * @param minLift smallest churn rate / baseline rate that is worth reporting
 * @param bins quantile bands a numeric dimension is cut into
 * @param maxValuesPerDimension more distinct values than this is an id, not a dimension: refused
 * @param maxCandidates significant segments carried into the explain-away step, by impact
 */
public record HotspotSettings(int maxOrder, long minSupport, double minSupportShare, double fdr, double minLift,
    int bins, int maxValuesPerDimension, int maxCandidates) {

  public HotspotSettings {
    if (maxOrder < 1) {
      throw new UserError("max-order = " + maxOrder + ": must be at least 1 (1 = single dimension values)");
    }
    if (minSupport < 1) {
      throw new UserError("min-support = " + minSupport + ": must be at least 1 account");
    }
    if (!(minSupportShare >= 0 && minSupportShare < 1)) {
      throw new UserError("min-support-share = " + minSupportShare + ": must be in [0, 1), e.g. 0.01");
    }
    if (!(fdr > 0 && fdr < 1)) {
      throw new UserError("fdr = " + fdr + ": must be strictly between 0 and 1, e.g. 0.05");
    }
    if (!(minLift >= 1)) {
      throw new UserError("min-lift = " + minLift + ": must be at least 1 (a hot-spot churns more than the baseline)");
    }
    if (bins < 2) {
      throw new UserError("bins = " + bins + ": must be at least 2 quantile bands");
    }
    if (maxValuesPerDimension < 2) {
      throw new UserError("max-values = " + maxValuesPerDimension + ": must be at least 2");
    }
    if (maxCandidates < 1) {
      throw new UserError("max-candidates = " + maxCandidates + ": must be at least 1");
    }
  }

  public static final ConfigKey<Integer> MAX_ORDER = ConfigKey.intAtLeast("hotspots.max-order", 1);
  public static final ConfigKey<Integer> MIN_SUPPORT = ConfigKey.intAtLeast("hotspots.min-support", 1);
  public static final ConfigKey<Double> MIN_SUPPORT_SHARE = ConfigKey.number("hotspots.min-support-share");
  public static final ConfigKey<Double> FDR = ConfigKey.number("hotspots.fdr");
  public static final ConfigKey<Double> MIN_LIFT = ConfigKey.number("hotspots.min-lift");
  public static final ConfigKey<Integer> BINS = ConfigKey.intAtLeast("hotspots.bins", 2);
  public static final ConfigKey<Integer> MAX_VALUES_PER_DIMENSION = ConfigKey.intAtLeast("hotspots.max-values-per-dimension", 2);
  public static final ConfigKey<Integer> MAX_CANDIDATES = ConfigKey.intAtLeast("hotspots.max-candidates", 1);

  /** The {@code hotspots.*} keys of the configuration; the record's checks apply to them as to the job's flags. */
  public static HotspotSettings from(ChurnscopeConfig config) {
    return new HotspotSettings(MAX_ORDER.from(config), MIN_SUPPORT.from(config), MIN_SUPPORT_SHARE.from(config),
        FDR.from(config), MIN_LIFT.from(config), BINS.from(config), MAX_VALUES_PER_DIMENSION.from(config),
        MAX_CANDIDATES.from(config));
  }

  /** The packaged defaults, for tests and callers without a configuration. */
  public static HotspotSettings defaults() {
    return from(ChurnscopeConfig.defaults());
  }

  public HotspotSettings withMaxOrder(int value) {
    return new HotspotSettings(value, minSupport, minSupportShare, fdr, minLift, bins, maxValuesPerDimension, maxCandidates);
  }

  /** Segments smaller than this are neither tested nor extended: the larger of the two minimums. */
  public long supportFloor(long population) {
    return Math.max(minSupport, (long) Math.ceil(minSupportShare * population));
  }
}
