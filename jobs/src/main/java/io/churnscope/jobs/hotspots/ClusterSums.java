package io.churnscope.jobs.hotspots;

/**
 * What a segment's rate needs to account for rows that share an id (an account's monthly renewals):
 * the number of ids, and the per-id sums Σkᵢ², Σkᵢnᵢ, Σnᵢ² (nᵢ the id's rows in the segment, kᵢ its
 * churned rows). Without an id every row is its own cluster (nᵢ = 1), and the statistics below reduce
 * exactly to the binomial ones.
 *
 * <p>The segment's rate p = Σkᵢ / Σnᵢ is a ratio estimator; its cluster-robust (sandwich) variance is
 * Σ(kᵢ − p·nᵢ)² / (Σnᵢ)², without a small-sample factor so that one row per id gives p(1 − p)/n. The
 * <em>design effect</em> is that variance over the binomial p(1 − p)/n: how many rows one independent
 * row is worth. It is never taken below 1: rows of one account are not assumed to be more informative
 * than independent ones.
 */
public record ClusterSums(long clusters, double churnedSquares, double churnedTimesRows, double rowSquares) {
  /** Below this the design effect is 1: floating-point noise of the one-row-per-id case. */
  private static final double ONE = 1 + 1e-9;

  /** {@code rows} independent rows of which {@code churned} churned: each its own cluster. */
  public static ClusterSums independent(long rows, long churned) {
    return new ClusterSums(rows, churned, churned, rows);
  }

  /**
   * The sums of a larger group with this segment's ids taken out: the complement, or the rest of a
   * parent. Exact when each id lies wholly inside or outside the segment (an account's static
   * attributes); for an id with rows on both sides its cross terms stay in the rest, which the
   * design effect's floor of 1 bounds.
   */
  public ClusterSums minus(ClusterSums part) {
    return new ClusterSums(Math.max(0, clusters - part.clusters), churnedSquares - part.churnedSquares,
        churnedTimesRows - part.churnedTimesRows, rowSquares - part.rowSquares);
  }

  /**
   * Variance of Σk/Σn over its binomial variance, at least 1 (class comment). When no row or every row
   * churned both variances are 0: the group then counts each id's rows as one (rows / ids, the design
   * effect of ids that repeat one outcome), so a churn-free group never passes for more evidence than
   * its accounts.
   */
  public double designEffect(long rows, long churned) {
    if (rows <= 0 || clusters >= rows) {
      return 1.0; // nothing, or one row per id
    }
    if (churned <= 0 || churned >= rows) {
      return clusters <= 0 ? 1.0 : Math.max(1.0, (double) rows / clusters);
    }
    double p = (double) churned / rows;
    double spread = churnedSquares - 2 * p * churnedTimesRows + p * p * rowSquares;
    double binomial = rows * p * (1 - p);
    double ratio = spread / binomial;
    return ratio > ONE ? ratio : 1.0;
  }
}
