package io.churnscope.jobs.hotspots;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Statistics for every frequent segment, on the driver from the lattice's counts: Wilson interval,
 * lift, the test against the complement, the tests against the rest of each parent, and the q-value
 * of both over all of them (every segment tested counts towards m), by the configured
 * {@link HotspotSettings.ParentTest}. When rows
 * share an id (an account's renewals), the interval and the tests count each group's rows at their
 * design effect ({@link ClusterSums}).
 */
public final class SegmentScorer {
  private SegmentScorer() {}

  public static List<ScoredSegment> score(SegmentLattice.Result lattice, HotspotSettings settings) {
    List<ScoredSegment> unadjusted = lattice.frequent().values().stream()
        .map(c -> test(c, lattice.all(), lattice.frequent())).toList();
    double[] q = switch (settings.parentTest()) {
      case COMBINED -> BenjaminiHochberg.qValues(unadjusted.stream().mapToDouble(ScoredSegment::pValueCombined).toArray());
      case SELECTIVE -> selective(unadjusted, settings.fdr());
    };
    List<ScoredSegment> scored = new ArrayList<>();
    for (int i = 0; i < q.length; i++) {
      ScoredSegment s = unadjusted.get(i);
      scored.add(new ScoredSegment(s.counts(), s.ciLow(), s.ciHigh(), s.lift(), s.pValue(), s.strongestParent(),
          s.liftVsStrongestParent(), s.pValueVsParents(), s.pValueCombined(), q[i]));
    }
    return scored;
  }

  /**
   * Benjamini–Bogomolov (2014) over the segments as families: Benjamini–Hochberg q-values of the tests
   * against the complement select the R segments at or under {@code fdr} of the m tested; a selected
   * segment's test against its parents (one test: the largest p over the parents, an intersection–union
   * test) is then held to fdr × R / m. That bound counts wrongly passed parent tests per selected
   * segment: when a large hot-spot makes thousands of its sub-segments significant against their
   * complement, R / m grows and so would the reports of children that only inherit. So the parent tests
   * of the selected segments must also pass Benjamini–Hochberg at {@code fdr} among themselves, which
   * bounds the share of such children among those that pass. The q-value is the largest of the three
   * adjusted values: at or under fdr exactly when the segment passes all. Valid at the configured fdr
   * only (R depends on it).
   */
  static double[] selective(List<ScoredSegment> segments, double fdr) {
    double[] complement = complementQValues(segments);
    List<Integer> selected = selected(complement, fdr);
    List<Integer> selectedChildren = selected.stream().filter(i -> segments.get(i).pValueVsParents() != null).toList();
    double[] amongSelected = BenjaminiHochberg.qValues(selectedChildren.stream()
        .mapToDouble(i -> segments.get(i).pValueVsParents()).toArray());
    double[] q = new double[complement.length];
    for (int i = 0; i < q.length; i++) {
      Double parents = segments.get(i).pValueVsParents();
      double parentQ = parents == null ? 0 : selected.isEmpty() ? 1
          : Math.min(1, parents * segments.size() / selected.size());
      q[i] = Math.max(complement[i], parentQ);
    }
    for (int k = 0; k < selectedChildren.size(); k++) {
      int i = selectedChildren.get(k);
      q[i] = Math.max(q[i], amongSelected[k]);
    }
    return q;
  }

  /**
   * R, the segments the search rejects against their complement, by the configured method: under
   * {@code selective} the first stage's selection (whatever their parent tests then show), under
   * {@code combined} the segments whose q-value passes (its one test holds both). fdr × R / m is then
   * the Benjamini–Hochberg cut-off of the test against the complement: a p-value at or under it would
   * have been rejected ({@link HotspotSelection#rejectionThreshold}).
   */
  public static long rejected(List<ScoredSegment> scored, HotspotSettings settings) {
    return switch (settings.parentTest()) {
      case COMBINED -> scored.stream().filter(s -> s.qValue() <= settings.fdr()).count();
      case SELECTIVE -> selected(complementQValues(scored), settings.fdr()).size();
    };
  }

  private static double[] complementQValues(List<ScoredSegment> segments) {
    return BenjaminiHochberg.qValues(segments.stream().mapToDouble(ScoredSegment::pValue).toArray());
  }

  /** The indices whose q-value is at or under fdr. */
  private static List<Integer> selected(double[] q, double fdr) {
    List<Integer> selected = new ArrayList<>();
    for (int i = 0; i < q.length; i++) {
      if (q[i] <= fdr) {
        selected.add(i);
      }
    }
    return selected;
  }

  /** Every statistic but the q-value, which needs all the p-values (left at 1 here). */
  private static ScoredSegment test(SegmentCounts c, SegmentCounts all, Map<Segment, SegmentCounts> frequent) {
    double deff = c.designEffect();
    ProportionTests.Interval ci = ProportionTests.wilson(c.churned(), c.accounts(), deff, ProportionTests.Z_95);
    double p = ProportionTests.pGreater(c.churned(), c.accounts(), deff, all.churned() - c.churned(),
        all.accounts() - c.accounts(), all.designEffectWithout(c));
    SegmentCounts strongest = all;
    Double pParents = null;
    if (c.segment().order() > 1) {
      double worst = 0;
      strongest = null;
      for (Segment parentSegment : c.segment().parents()) {
        // Apriori guarantees every parent of a frequent segment was counted.
        SegmentCounts parent = frequent.get(parentSegment);
        // Against the rest of the parent, not the parent itself: the segment is part of its parent.
        worst = Math.max(worst, ProportionTests.pGreater(c.churned(), c.accounts(), deff,
            parent.churned() - c.churned(), parent.accounts() - c.accounts(), parent.designEffectWithout(c)));
        if (strongest == null || parent.rate() > strongest.rate()) {
          strongest = parent;
        }
      }
      pParents = worst;
    }
    double combined = pParents == null ? p : Math.max(p, pParents);
    return new ScoredSegment(c, ci.low(), ci.high(), ratio(c.rate(), all.rate()), p, strongest,
        ratio(c.rate(), strongest.rate()), pParents, combined, 1.0);
  }

  static double ratio(double rate, double reference) {
    return reference == 0 ? (rate == 0 ? 1 : Double.POSITIVE_INFINITY) : rate / reference;
  }
}
