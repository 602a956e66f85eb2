package io.churnscope.jobs.hotspots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The statistics against published and hand-worked values; no Spark. */
class StatisticsKnownAnswerTest {
  private static void assertInterval(double low, double high, ProportionTests.Interval actual) {
    assertEquals(low, actual.low(), 5e-5, "low end of " + actual);
    assertEquals(high, actual.high(), 5e-5, "high end of " + actual);
  }

  @Test
  void wilsonMatchesNewcombe1998TableII() {
    // Newcombe (1998), "Two-sided confidence intervals for the single proportion", method 3 (score).
    assertInterval(0.2553, 0.3662, ProportionTests.wilson(81, 263, ProportionTests.Z_95));
    assertInterval(0.0624, 0.1605, ProportionTests.wilson(15, 148, ProportionTests.Z_95));
    assertInterval(0.0000, 0.1611, ProportionTests.wilson(0, 20, ProportionTests.Z_95));
    assertInterval(0.0061, 0.1718, ProportionTests.wilson(1, 29, ProportionTests.Z_95));
  }

  @Test
  void zTestByHand() {
    // 30/100 vs 20/100: pooled 0.25, se = sqrt(0.25 · 0.75 · (1/100 + 1/100)) = 0.0612372,
    // z = 0.10 / 0.0612372 = 1.632993, upper tail = 0.0512352.
    assertEquals(0.0512352, ProportionTests.zTestGreater(30, 100, 20, 100), 1e-6);
    // Every expected cell is at least 5 (min is 100 · 50 / 200 = 25): the z-test is used.
    assertEquals(ProportionTests.zTestGreater(30, 100, 20, 100), ProportionTests.pGreater(30, 100, 20, 100), 0);
    // A segment churning less than its complement is not a finding: p near 1.
    assertEquals(0.9487648, ProportionTests.pGreater(20, 100, 30, 100), 1e-6);
  }

  @Test
  void fisherMatchesTheLadyTastingTea() {
    // Fisher (1935): 3 of 4 cups right, table [[3, 1], [1, 3]]: P(X >= 3) = (16 + 1) / 70.
    assertEquals(17.0 / 70, ProportionTests.fisherGreater(3, 4, 1, 4), 1e-12);
    // Small expected cells switch pGreater to Fisher: [[7, 3], [12, 78]] has an expected cell of 1.9.
    // P(X >= 7) for the hypergeometric(N=100, K=19, n=10) = 0.00026294 (scipy.stats.fisher_exact, 'greater').
    assertEquals(0.00026294, ProportionTests.pGreater(7, 10, 12, 90), 1e-8);
  }

  @Test
  void benjaminiHochbergMatchesThe1995Example() {
    // The 15 p-values of Benjamini & Hochberg (1995), section 4.1; at q = 0.05 they reject the first 4.
    double[] p = {0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719,
        0.6528, 0.7590, 1.000};
    // q(i) = min over j >= i of p(j) · 15 / j, e.g. q(4) = 0.0095 · 15 / 4 = 0.035625 and
    // q(6) = q(7) = 0.0298 · 15 / 7 = 0.0638571 (the step-up minimum).
    double[] expected = {0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0638571, 0.0638571, 0.0645, 0.0765, 0.486,
        0.5811818, 0.714875, 0.7532308, 0.8132143, 1.0};
    assertArrayEquals(expected, BenjaminiHochberg.qValues(p), 1e-6);
    // Order does not matter: the same values shuffled keep their q-values.
    double[] shuffled = {p[14], p[3], p[0], p[9]};
    double[] q = BenjaminiHochberg.qValues(shuffled);
    // Among these 4 alone: sorted 0.0001, 0.0095, 0.3240, 1.0 -> 0.0004, 0.019, 0.432, 1.0.
    assertArrayEquals(new double[] {1.0, 0.019, 0.0004, 0.432}, q, 1e-9);
  }

  /**
   * Benjamini–Bogomolov by hand, m = 6. BH over the complement tests (0.001, 0.002, 0.003, 0.004, 0.2,
   * 0.5) gives 0.006 for the first four, then 0.24, 0.5: R = 4 selected at 5 %, so a selected segment's
   * parent test is held to 0.05 × 4 / 6 = 0.0333 (adjusted: parent p × 6 / 4), and BH among the selected
   * segments' parent tests (0.01, 0.03, 0.9: q 0.03, 0.045, 0.9) must pass too. The third segment
   * (parent p 0.03) passes at 0.045; one BH over max(p, parent p) would give it 0.06 (sorted 0.001,
   * 0.01, 0.03, 0.2, 0.5, 0.9: 0.03 × 6 / 3) and miss it. The child that only inherits (parent p 0.9) is
   * selected but fails; the one not above its complement (p 0.2) fails whatever its parent test.
   */
  @Test
  void selectiveParentTestsByHand() {
    java.util.List<ScoredSegment> segments = handExample();
    assertArrayEquals(new double[] {0.006, 0.03, 0.045, 0.24, 0.5, 1.0}, SegmentScorer.selective(segments, 0.05), 1e-12);
    double[] combined = BenjaminiHochberg.qValues(segments.stream().mapToDouble(ScoredSegment::pValueCombined).toArray());
    assertEquals(0.06, combined[2], 1e-12);
  }

  /**
   * The bar of the re-tests (folding, explain away) is the cut-off of the test against the complement,
   * fdr × R / m, with R what that test rejects: the hand example above selects R = 4 of m = 6 against
   * the complement (0.05 × 4 / 6), though only three also pass their parent tests (the fourth only
   * inherits: parent p 0.9), which the bar counted until 2026-12-08 (0.05 × 3 / 6); the
   * combined method's R is the segments its one q-value passes (here 2 of 6: q 0.006 and 0.03; 0.06 fails).
   */
  @Test
  void theRetestBarIsTheCutOffOfTheTestAgainstTheComplement() {
    java.util.List<ScoredSegment> unadjusted = handExample();
    HotspotSettings selective = HotspotSettings.defaults().withParentTest(HotspotSettings.ParentTest.SELECTIVE);
    java.util.List<ScoredSegment> scored = withQ(unadjusted, SegmentScorer.selective(unadjusted, selective.fdr()));
    assertEquals(3, scored.stream().filter(s -> s.qValue() <= selective.fdr()).count(), "passing both stages");
    assertEquals(4, SegmentScorer.rejected(scored, selective));
    assertEquals(0.05 * 4 / 6, HotspotSelection.rejectionThreshold(scored, selective), 1e-15);
    HotspotSettings combined = selective.withParentTest(HotspotSettings.ParentTest.COMBINED);
    java.util.List<ScoredSegment> combinedScored = withQ(unadjusted, BenjaminiHochberg.qValues(
        unadjusted.stream().mapToDouble(ScoredSegment::pValueCombined).toArray()));
    assertEquals(0.05 * 2 / 6, HotspotSelection.rejectionThreshold(combinedScored, combined), 1e-15);
  }

  /** The hand example's six segments: p against the complement and (NaN: none) against the parents. */
  private static java.util.List<ScoredSegment> handExample() {
    double[][] tests = {{0.001, Double.NaN}, {0.002, 0.01}, {0.003, 0.03}, {0.2, 0.001}, {0.5, Double.NaN}, {0.004, 0.9}};
    java.util.List<ScoredSegment> segments = new java.util.ArrayList<>();
    for (int i = 0; i < tests.length; i++) {
      SegmentCounts counts = new SegmentCounts(Segment.ALL.with("d", "v" + i), 100, 10, 100, 10);
      Double parents = Double.isNaN(tests[i][1]) ? null : tests[i][1];
      double combined = parents == null ? tests[i][0] : Math.max(tests[i][0], parents);
      segments.add(new ScoredSegment(counts, 0, 1, 1, tests[i][0], counts, 1, parents, combined, 1));
    }
    return segments;
  }

  private static java.util.List<ScoredSegment> withQ(java.util.List<ScoredSegment> segments, double[] q) {
    java.util.List<ScoredSegment> out = new java.util.ArrayList<>();
    for (int i = 0; i < q.length; i++) {
      ScoredSegment s = segments.get(i);
      out.add(new ScoredSegment(s.counts(), s.ciLow(), s.ciHigh(), s.lift(), s.pValue(), s.strongestParent(),
          s.liftVsStrongestParent(), s.pValueVsParents(), s.pValueCombined(), q[i]));
    }
    return out;
  }

  /**
   * The stage Benjamini–Bogomolov alone would pass: m = R = 4 (every complement p 0.001, q 0.001), parent
   * p 0.02, 0.9, 0.9, 0.9. The first child clears fdr × R / m = 0.05 (adjusted 0.02), but among the four
   * selected parent tests BH gives it 0.02 × 4 / 1 = 0.08: one real-looking child among three that only
   * inherit is not reported.
   */
  @Test
  void theSelectedParentTestsMustAlsoPassBenjaminiHochbergAmongThemselves() {
    java.util.List<ScoredSegment> segments = new java.util.ArrayList<>();
    double[] parents = {0.02, 0.9, 0.9, 0.9};
    for (int i = 0; i < parents.length; i++) {
      SegmentCounts counts = new SegmentCounts(Segment.ALL.with("a", "1").with("d", "v" + i), 100, 10, 100, 10);
      segments.add(new ScoredSegment(counts, 0, 1, 1, 0.001, counts, 1, parents[i], parents[i], 1));
    }
    assertArrayEquals(new double[] {0.08, 0.9, 0.9, 0.9}, SegmentScorer.selective(segments, 0.05), 1e-12);
  }
}
