package io.churnscope.jobs.hotspots;

/**
 * One tested segment and its statistics (see docs/hotspots.md for each).
 *
 * @param lift churn rate / baseline churn rate
 * @param pValue one-sided p-value that the segment churns more than its complement
 * @param strongestParent the parent with the highest churn rate (the whole population for a single value)
 * @param liftVsStrongestParent churn rate / the strongest parent's rate
 * @param pValueVsParents the largest, over the parents, of the one-sided p-value that the segment churns
 *     more than the rest of that parent; null for a single value (its parent is the population, and
 *     {@code pValue} is that test)
 * @param pValueCombined max(pValue, pValueVsParents): the intersection–union test of "higher than the
 *     complement and than every parent", which needs no correction across the parents
 * @param qValue the adjusted p-value of both tests over every segment tested, by
 *     {@link HotspotSettings.ParentTest}: at or under fdr exactly when the segment is significant
 */
public record ScoredSegment(SegmentCounts counts, double ciLow, double ciHigh, double lift, double pValue,
    SegmentCounts strongestParent, double liftVsStrongestParent, Double pValueVsParents, double pValueCombined,
    double qValue) {

  public Segment segment() {
    return counts.segment();
  }

  public double rate() {
    return counts.rate();
  }
}
