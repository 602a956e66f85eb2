package io.churnscope.jobs.hotspots;

import java.util.List;

/**
 * A reported hot-spot.
 *
 * @param rank 1 = the largest excess
 * @param reference what the segment is compared with in its sentence and excess: the reported parent
 *     hot-spot with the highest churn rate if it has one (it beat that parent's rest), else the whole population
 * @param excessChurned churned − accounts × reference rate
 * @param excessChurnedWeight churned weight − weight × reference weighted rate (weighted runs only)
 * @param pValueOutsideOverlaps the explain-away re-test: the one-sided p-value of the segment against the rest,
 *     both outside the earlier reported hot-spots it overlaps (its ancestors excepted); null when it overlaps none
 * @param sameAccountsAs longer segments covering exactly the same accounts, reported as this one
 */
public record Hotspot(int rank, ScoredSegment scored, SegmentCounts reference, double excessChurned,
    double excessChurnedWeight, Double pValueOutsideOverlaps, List<String> sameAccountsAs, String sentence) {

  public Segment segment() {
    return scored.segment();
  }

  /**
   * Whether this report stands for {@code segment}: it is that segment, or covers exactly its accounts
   * (the segment is in {@link #sameAccountsAs}). How a planted segment counts as found as itself.
   */
  public boolean reportsAs(Segment segment) {
    return segment().equals(segment) || sameAccountsAs.contains(segment.key());
  }

  public boolean referenceIsBaseline() {
    return reference.segment().order() == 0;
  }

  public double liftVsReference() {
    return SegmentScorer.ratio(scored.rate(), reference.rate());
  }
}
