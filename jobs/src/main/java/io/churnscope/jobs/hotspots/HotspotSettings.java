package io.churnscope.jobs.hotspots;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import java.util.List;

/**
 * How the search is bounded and what counts as a hot-spot. Defaults live in
 * {@code conf/defaults.conf} under {@code hotspots}; the standalone job's flags override them.
 *
 * @param maxOrder most dimension values in one segment (1 = single values only)
 * @param minSupport fewest accounts a segment needs to be tested (and to have children)
 * @param minSupportShare smallest share of the population a segment needs, as well (0 = no share)
 * @param floorLift the detectable floor's lift: a segment is tested only if it is large enough for a churn
 *     rate of floorLift × the baseline to be significant at the number of tests ({@link #detectableFloor});
 *     0 turns that floor off
 * @param fdr false-discovery rate for the Benjamini–Hochberg control, in (0, 1)
 * @param minLift smallest churn rate / baseline rate that is worth reporting
 * @param bins quantile bands a numeric dimension is cut into
 * @param maxValuesPerDimension more distinct values than this is an id, not a dimension: refused
 * @param maxCandidates significant segments carried into the explain-away step, by impact
 * @param parentTest how a segment's tests against its parents are corrected for the number of segments
 */
public record HotspotSettings(int maxOrder, long minSupport, double minSupportShare, double floorLift, double fdr,
    double minLift, int bins, int maxValuesPerDimension, int maxCandidates, ParentTest parentTest) {

  /**
   * How the test "higher than the rest of every parent" is corrected for the number of segments tested
   * (docs/hotspots.md, "The method", step 3; bench/planted-power measures both on the planted generator).
   */
  public enum ParentTest {
    /**
     * One Benjamini–Hochberg over every segment tested of max(p against the complement, p against the
     * rest of each parent): a child must clear the bar of the whole search on both tests.
     */
    COMBINED,
    /**
     * Benjamini–Bogomolov: Benjamini–Hochberg at fdr over every segment's test against its complement
     * selects R of the m segments tested; a selected segment's test against the rest of its parents is
     * then passed at fdr × R / m, and by Benjamini–Hochberg at fdr among the selected segments' parent
     * tests. The parent comparisons of the selected segments no longer pay for every segment tested.
     */
    SELECTIVE;

    /** The configured name (combined, selective), case-insensitively. */
    public static ParentTest named(String name) {
      for (ParentTest test : values()) {
        if (test.name().equalsIgnoreCase(name.trim())) {
          return test;
        }
      }
      throw new UserError("hotspots.parent-test = " + name + ": must be selective or combined");
    }
  }

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
    if (!(floorLift == 0 || floorLift > 1)) {
      throw new UserError("floor-lift = " + floorLift + ": must be above 1 (e.g. 3), or 0 for no detectable floor");
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
    if (parentTest == null) {
      throw new UserError("parent-test: must be selective or combined");
    }
  }

  public static final ConfigKey<Integer> MAX_ORDER = ConfigKey.intAtLeast("hotspots.max-order", 1);
  public static final ConfigKey<Integer> MIN_SUPPORT = ConfigKey.intAtLeast("hotspots.min-support", 1);
  public static final ConfigKey<Double> MIN_SUPPORT_SHARE = ConfigKey.number("hotspots.min-support-share");
  public static final ConfigKey<Double> FLOOR_LIFT = ConfigKey.number("hotspots.floor-lift");
  public static final ConfigKey<Double> FDR = ConfigKey.number("hotspots.fdr");
  public static final ConfigKey<Double> MIN_LIFT = ConfigKey.number("hotspots.min-lift");
  public static final ConfigKey<Integer> BINS = ConfigKey.intAtLeast("hotspots.bins", 2);
  public static final ConfigKey<Integer> MAX_VALUES_PER_DIMENSION = ConfigKey.intAtLeast("hotspots.max-values-per-dimension", 2);
  public static final ConfigKey<Integer> MAX_CANDIDATES = ConfigKey.intAtLeast("hotspots.max-candidates", 1);
  public static final ConfigKey<String> PARENT_TEST = ConfigKey.oneOf("hotspots.parent-test", List.of("selective", "combined"));

  /** The {@code hotspots.*} keys of the configuration; the record's checks apply to them as to the job's flags. */
  public static HotspotSettings from(ChurnscopeConfig config) {
    return new HotspotSettings(MAX_ORDER.from(config), MIN_SUPPORT.from(config), MIN_SUPPORT_SHARE.from(config),
        FLOOR_LIFT.from(config), FDR.from(config), MIN_LIFT.from(config), BINS.from(config), MAX_VALUES_PER_DIMENSION.from(config),
        MAX_CANDIDATES.from(config), ParentTest.named(PARENT_TEST.from(config)));
  }

  /** The packaged defaults, for tests and callers without a configuration. */
  public static HotspotSettings defaults() {
    return from(ChurnscopeConfig.defaults());
  }

  public HotspotSettings withMaxOrder(int value) {
    return new HotspotSettings(value, minSupport, minSupportShare, floorLift, fdr, minLift, bins, maxValuesPerDimension,
        maxCandidates, parentTest);
  }

  public HotspotSettings withFloorLift(double value) {
    return new HotspotSettings(maxOrder, minSupport, minSupportShare, value, fdr, minLift, bins, maxValuesPerDimension,
        maxCandidates, parentTest);
  }

  public HotspotSettings withParentTest(ParentTest value) {
    return new HotspotSettings(maxOrder, minSupport, minSupportShare, floorLift, fdr, minLift, bins, maxValuesPerDimension,
        maxCandidates, value);
  }

  /** The fixed part of the support floor: the larger of min-support and min-support-share × population. */
  public long supportFloor(long population) {
    return Math.max(minSupport, (long) Math.ceil(minSupportShare * population));
  }

  /**
   * Segments smaller than this are neither tested nor extended: the largest of {@link #supportFloor(long)}
   * and the {@link #detectableFloor} at {@code tests} tests.
   */
  public long supportFloor(long population, double baseline, long tests) {
    return Math.max(supportFloor(population), detectableFloor(baseline, tests));
  }

  /**
   * The smallest segment in which a churn rate of floor-lift × {@code baseline}, observed exactly, would
   * be significant at the Bonferroni level fdr / {@code tests} of a one-sided test against a much larger
   * complement: n = z² (1 − p) / ((L − 1)² p), z the standard-normal quantile of 1 − fdr / tests. A
   * smaller segment can be reported only with a larger lift; testing it anyway would add to the number
   * of tests, and so raise every other segment's bar, for segments too small to matter at that lift.
   * Row counts and the baseline only (never a segment's churn): choosing the tests by it does not bias
   * them. 0 when the floor is off or the baseline is 0 or 1.
   */
  public long detectableFloor(double baseline, long tests) {
    if (floorLift == 0 || !(baseline > 0 && baseline < 1) || tests < 1) {
      return 0;
    }
    double z = STANDARD_NORMAL.inverseCumulativeProbability(1 - fdr / tests);
    return (long) Math.ceil(z * z * (1 - baseline) / ((floorLift - 1) * (floorLift - 1) * baseline));
  }

  private static final org.apache.commons.math3.distribution.NormalDistribution STANDARD_NORMAL =
      new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1);
}
