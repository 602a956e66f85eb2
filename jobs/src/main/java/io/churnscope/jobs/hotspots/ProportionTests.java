package io.churnscope.jobs.hotspots;

import org.apache.commons.math3.distribution.HypergeometricDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The statistics of one segment's churn rate: a Wilson score interval, and a one-sided test that
 * the segment churns more than a comparison group (its complement, or the rest of a parent).
 *
 * <p>The test is one-sided because a hot-spot is a segment that churns <em>more</em>: a segment
 * that churns less is never a finding, so spending half the error rate on it would only cost power.
 * It is the pooled two-proportion z-test when every expected cell of the 2×2 table is at least
 * {@link #MIN_EXPECTED_CELL}, and Fisher's exact test (the hypergeometric upper tail) otherwise,
 * where the normal approximation is known to be anti-conservative. Commons Math 3 comes with Spark.
 */
public final class ProportionTests {
  /** Cochran's rule: the normal approximation is trusted when every expected count is at least 5. */
  public static final double MIN_EXPECTED_CELL = 5.0;
  /** The 97.5 % standard-normal quantile: a 95 % two-sided interval. */
  public static final double Z_95 = 1.959963984540054;

  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

  private ProportionTests() {}

  /** A closed interval of rates. */
  public record Interval(double low, double high) {}

  /**
   * The Wilson score interval for {@code successes} out of {@code trials} at the given normal
   * quantile (use {@link #Z_95}). Unlike the Wald interval it stays inside [0, 1] and is honest for
   * small segments and rates near 0 or 1.
   */
  public static Interval wilson(long successes, long trials, double z) {
    if (trials <= 0) {
      return new Interval(0, 1);
    }
    return wilson((double) successes, (double) trials, z);
  }

  /**
   * The Wilson interval of a rate whose rows are worth 1/{@code designEffect} independent rows each
   * (rows that share an account: {@link ClusterSums}): the interval of the effective counts
   * k / deff of n / deff. A design effect of 1 is {@link #wilson(long, long, double)} exactly.
   */
  public static Interval wilson(long successes, long trials, double designEffect, double z) {
    if (designEffect <= 1.0 || trials <= 0) {
      return wilson(successes, trials, z);
    }
    return wilson(successes / designEffect, trials / designEffect, z);
  }

  private static Interval wilson(double successes, double n, double z) {
    double p = successes / n;
    double z2 = z * z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /**
   * {@link #pGreater(long, long, long, long)} for groups whose rows are worth 1/deff independent rows
   * each: every count of a group divided by its design effect (Donner's adjustment of the
   * two-proportion test for clustered rows; Rao and Scott's for the chi-square), Fisher's test on the
   * rounded effective counts when a cell is small. Design effects of 1 give the unadjusted test exactly.
   */
  public static double pGreater(long k1, long n1, double deff1, long k2, long n2, double deff2) {
    if (deff1 <= 1.0 && deff2 <= 1.0) {
      return pGreater(k1, n1, k2, n2);
    }
    if (n1 <= 0 || n2 <= 0) {
      return 1.0;
    }
    double ek1 = k1 / Math.max(1, deff1), en1 = n1 / Math.max(1, deff1);
    double ek2 = k2 / Math.max(1, deff2), en2 = n2 / Math.max(1, deff2);
    if (smallestExpectedCell(ek1, en1, ek2, en2) < MIN_EXPECTED_CELL) {
      long rn1 = Math.max(1, Math.round(en1)), rn2 = Math.max(1, Math.round(en2));
      return fisherGreater(Math.min(rn1, Math.round(ek1)), rn1, Math.min(rn2, Math.round(ek2)), rn2);
    }
    return zTestGreater(ek1, en1, ek2, en2);
  }

  /**
   * One-sided p-value that group 1 ({@code k1} of {@code n1}) churns more than group 2
   * ({@code k2} of {@code n2}): z-test or Fisher as described in the class comment. An empty group
   * gives 1 (there is nothing to stand out against).
   */
  public static double pGreater(long k1, long n1, long k2, long n2) {
    if (n1 <= 0 || n2 <= 0) {
      return 1.0;
    }
    return smallestExpectedCell(k1, n1, k2, n2) < MIN_EXPECTED_CELL
        ? fisherGreater(k1, n1, k2, n2)
        : zTestGreater(k1, n1, k2, n2);
  }

  /** Pooled two-proportion z-test, upper tail. */
  public static double zTestGreater(long k1, long n1, long k2, long n2) {
    return zTestGreater((double) k1, n1, k2, n2);
  }

  private static double zTestGreater(double k1, double n1, double k2, double n2) {
    double pooled = (double) (k1 + k2) / (n1 + n2);
    double variance = pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2);
    if (variance <= 0) {
      return 1.0; // everyone churned or no one did: no difference to find
    }
    double z = (k1 / n1 - k2 / n2) / Math.sqrt(variance);
    // The lower tail at -z keeps precision for large z, where 1 - cdf(z) would round to 0.
    return STANDARD_NORMAL.cumulativeProbability(-z);
  }

  /**
   * Fisher's exact test, upper tail: the probability, with all margins fixed, that group 1 holds
   * at least {@code k1} of the {@code k1 + k2} churned.
   */
  public static double fisherGreater(long k1, long n1, long k2, long n2) {
    HypergeometricDistribution h = new HypergeometricDistribution(null,
        Math.toIntExact(n1 + n2), Math.toIntExact(k1 + k2), Math.toIntExact(n1));
    return Math.min(1.0, h.upperCumulativeProbability(Math.toIntExact(k1)));
  }

  static double smallestExpectedCell(double k1, double n1, double k2, double n2) {
    double total = n1 + n2;
    double churned = k1 + k2;
    double stayed = total - churned;
    return Math.min(Math.min(n1 * churned, n1 * stayed), Math.min(n2 * churned, n2 * stayed)) / total;
  }
}
