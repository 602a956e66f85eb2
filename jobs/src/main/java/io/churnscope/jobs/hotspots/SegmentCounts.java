package io.churnscope.jobs.hotspots;

/**
 * What one aggregation tells about a segment: its accounts, how many churned, and the same in
 * weight (equal to the counts without {@code --weight}).
 */
public record SegmentCounts(Segment segment, long accounts, long churned, double weight, double churnedWeight) {
  public double rate() {
    return accounts == 0 ? 0 : (double) churned / accounts;
  }

  /** Churned weight / weight: the revenue-weighted churn rate with {@code --weight mrr}. */
  public double weightedRate() {
    return weight == 0 ? 0 : churnedWeight / weight;
  }
}
