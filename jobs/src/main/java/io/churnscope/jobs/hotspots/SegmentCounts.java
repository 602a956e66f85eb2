package io.churnscope.jobs.hotspots;

/**
 * What one aggregation tells about a segment: its accounts (rows of the population), how many
 * churned, the same in weight (equal to the counts without {@code --weight}), and the per-id sums its
 * statistics need when an id repeats ({@link ClusterSums}).
 */
public record SegmentCounts(Segment segment, long accounts, long churned, double weight, double churnedWeight,
    ClusterSums clusters) {
  /** Counts of independent rows: every row its own id. */
  public SegmentCounts(Segment segment, long accounts, long churned, double weight, double churnedWeight) {
    this(segment, accounts, churned, weight, churnedWeight, ClusterSums.independent(accounts, churned));
  }

  public double rate() {
    return accounts == 0 ? 0 : (double) churned / accounts;
  }

  /** Churned weight / weight: the revenue-weighted churn rate with {@code --weight mrr}. */
  public double weightedRate() {
    return weight == 0 ? 0 : churnedWeight / weight;
  }

  /** How many rows of this segment one independent row is worth (1 with one row per id): {@link ClusterSums}. */
  public double designEffect() {
    return clusters.designEffect(accounts, churned);
  }

  /** The design effect of this group's rows outside {@code part} (a segment inside it). */
  public double designEffectWithout(SegmentCounts part) {
    return clusters.minus(part.clusters).designEffect(accounts - part.accounts, churned - part.churned);
  }
}
