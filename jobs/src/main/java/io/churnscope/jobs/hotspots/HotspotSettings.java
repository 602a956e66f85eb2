package io.churnscope.jobs.hotspots;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;

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

  /** The {@code hotspots.*} keys of the configuration. */
  public static HotspotSettings from(ChurnscopeConfig config) {
    return new HotspotSettings(config.integer("hotspots.max-order"), config.integer("hotspots.min-support"),
        config.number("hotspots.min-support-share"), config.number("hotspots.fdr"), config.number("hotspots.min-lift"),
        config.integer("hotspots.bins"), config.integer("hotspots.max-values-per-dimension"),
        config.integer("hotspots.max-candidates"));
  }

  /** The packaged defaults, for tests and callers without a configuration. */
  public static HotspotSettings defaults() {
    return from(ChurnscopeConfig.defaults());
  }

  public HotspotSettings withMaxOrder(int value) {
    return new HotspotSettings(value, minSupport, minSupportShare, fdr, minLift, bins, maxValuesPerDimension, maxCandidates);
  }

  public HotspotSettings withMinSupport(long count, double share) {
    return new HotspotSettings(maxOrder, count, share, fdr, minLift, bins, maxValuesPerDimension, maxCandidates);
  }

  public HotspotSettings withFdr(double value) {
    return new HotspotSettings(maxOrder, minSupport, minSupportShare, value, minLift, bins, maxValuesPerDimension, maxCandidates);
  }

  public HotspotSettings withMinLift(double value) {
    return new HotspotSettings(maxOrder, minSupport, minSupportShare, fdr, value, bins, maxValuesPerDimension, maxCandidates);
  }

  public HotspotSettings withBins(int value) {
    return new HotspotSettings(maxOrder, minSupport, minSupportShare, fdr, minLift, value, maxValuesPerDimension, maxCandidates);
  }

  /** Segments smaller than this are neither tested nor extended: the larger of the two minimums. */
  public long supportFloor(long population) {
    return Math.max(minSupport, (long) Math.ceil(minSupportShare * population));
  }
}
