package io.churnscope.jobs.hotspots;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * From significant segments to hot-spots, on the driver (the inputs are small):
 * <ol>
 *   <li><b>Candidates</b>: q ≤ fdr on the combined test (so higher than the complement <em>and</em> than
 *       the rest of every parent — a child that only inherits its parent's excess fails here and is folded
 *       into the parent) and lift ≥ min-lift; by excess over the baseline, at most max-candidates.</li>
 *   <li><b>Same accounts</b>: candidates covering exactly the same rows are reported once, as the shortest.</li>
 *   <li><b>Explain away</b>: down the ranking, a candidate that overlaps hot-spots already reported (other
 *       than its own ancestors, which its parent test already beat) is re-tested on the rows outside them,
 *       against the rest of those rows; it is kept only if it is still significant at the
 *       Benjamini–Hochberg threshold and still lifts by min-lift there. Then the other way: a reported
 *       segment with reported sub-segments is re-tested outside them, and dropped if its excess was theirs;
 *       the ranking pass then runs again without the dropped ones, until none is dropped.</li>
 *   <li><b>Impact</b>: excess churned over the reference (the highest-rate reported parent, else the
 *       baseline); hot-spots are ranked by it (by excess churned weight when weighted).</li>
 * </ol>
 */
public final class HotspotSelection {
  /** The hot-spots and, for every candidate and folded segment, what became of it. */
  public record Outcome(List<Hotspot> hotspots, Map<Segment, String> decisions) {}

  private HotspotSelection() {}

  /** Significant, large enough effects, biggest excess over the baseline first, capped. */
  public static List<ScoredSegment> candidates(List<ScoredSegment> scored, SegmentCounts all, HotspotSettings settings,
      boolean weighted) {
    return scored.stream()
        .filter(s -> s.qValue() <= settings.fdr() && s.lift() >= settings.minLift())
        .sorted(Comparator.comparingDouble((ScoredSegment s) -> -excess(s.counts(), all, weighted))
            .thenComparing(s -> s.segment().key()))
        .limit(settings.maxCandidates())
        .toList();
  }

  /** The largest combined p-value Benjamini–Hochberg rejected: the bar the explain-away re-test must clear. */
  public static double rejectionThreshold(List<ScoredSegment> scored, double fdr) {
    return scored.stream().filter(s -> s.qValue() <= fdr).mapToDouble(ScoredSegment::pValueCombined).max().orElse(0);
  }

  public static Outcome select(List<ScoredSegment> scored, List<ScoredSegment> candidates,
      List<OverlapSignatures.Signature> signatures, SegmentCounts all, HotspotSettings settings, String weight) {
    boolean weighted = weight != null;
    Map<Segment, String> decisions = new LinkedHashMap<>();
    double threshold = rejectionThreshold(scored, settings.fdr());
    for (ScoredSegment s : scored) {
      boolean beatsComplement = s.pValue() <= threshold && s.lift() >= settings.minLift();
      if (beatsComplement && s.qValue() > settings.fdr()) {
        decisions.put(s.segment(), "folded into " + s.strongestParent().segment().key()
            + ": not significantly above the rest of every parent");
      }
    }

    List<BitSet> coverage = coverage(candidates.size(), signatures);
    Map<Integer, List<String>> aliases = new HashMap<>();
    List<Integer> distinct = sameAccountsOnce(candidates, coverage, aliases, decisions);

    // Down the ranking, then the parents whose excess their reported children hold are dropped; the
    // ranking pass runs again without them (a segment explained away by a dropped parent may stand
    // out now), until no parent is dropped. Each round drops at least one candidate, so it ends.
    List<Integer> remaining = new ArrayList<>(distinct);
    List<Integer> reported;
    Map<Integer, Double> retestP = new HashMap<>();
    do {
      retestP.clear();
      reported = downTheRanking(candidates, remaining, coverage, signatures, retestP, decisions, threshold, settings);
    } while (remaining.removeAll(
        explainAwayByDescendants(candidates, coverage, signatures, reported, retestP, decisions, threshold, settings)));

    List<Hotspot> unranked = new ArrayList<>();
    for (int i : reported) {
      ScoredSegment s = candidates.get(i);
      SegmentCounts reference = all;
      for (int r : reported) {
        ScoredSegment other = candidates.get(r);
        if (other.segment().order() == s.segment().order() - 1 && other.segment().contains(s.segment())
            && (reference == all || other.rate() > reference.rate())) {
          reference = other.counts();
        }
      }
      unranked.add(new Hotspot(0, s, reference, excess(s.counts(), reference, false), weighted
          ? excess(s.counts(), reference, true) : 0, retestP.get(i), aliases.getOrDefault(i, List.of()), null));
      decisions.put(s.segment(), "reported");
    }
    unranked.sort(Comparator.comparingDouble((Hotspot h) -> -(weighted ? h.excessChurnedWeight() : h.excessChurned()))
        .thenComparing(h -> h.segment().key()));
    List<Hotspot> ranked = new ArrayList<>();
    for (Hotspot h : unranked) {
      Hotspot numbered = new Hotspot(ranked.size() + 1, h.scored(), h.reference(), h.excessChurned(),
          h.excessChurnedWeight(), h.pValueOutsideOverlaps(), h.sameAccountsAs(), null);
      ranked.add(new Hotspot(numbered.rank(), h.scored(), h.reference(), h.excessChurned(), h.excessChurnedWeight(),
          h.pValueOutsideOverlaps(), h.sameAccountsAs(), Sentences.of(numbered, all, weight)));
    }
    return new Outcome(ranked, decisions);
  }

  /**
   * Reports candidates in ranking order; one that overlaps hot-spots already reported (other than its
   * own ancestors, which its parent test already beat) is re-tested on the rows outside them.
   */
  private static List<Integer> downTheRanking(List<ScoredSegment> candidates, List<Integer> ranked,
      List<BitSet> coverage, List<OverlapSignatures.Signature> signatures, Map<Integer, Double> retestP,
      Map<Segment, String> decisions, double threshold, HotspotSettings settings) {
    List<Integer> reported = new ArrayList<>();
    for (int i : ranked) {
      Segment segment = candidates.get(i).segment();
      BitSet outside = new BitSet();
      List<String> overlapping = new ArrayList<>();
      for (int r : reported) {
        Segment earlier = candidates.get(r).segment();
        if (!earlier.contains(segment) && coverage.get(r).intersects(coverage.get(i))) {
          outside.or(coverage.get(r));
          overlapping.add(earlier.key());
        }
      }
      if (overlapping.isEmpty()) {
        reported.add(i);
        continue;
      }
      Retest retest = Retest.of(coverage.get(i), outside, signatures);
      if (retest.standsOut(threshold, settings.minLift())) {
        reported.add(i);
        retestP.put(i, retest.p());
      } else {
        decisions.put(segment, retest.explainedAwayBy(overlapping));
      }
    }
    return reported;
  }

  /**
   * The explain-away in the other direction: a reported segment ranked above one of its own reported
   * sub-segments (retail × small above retail × small × starter) was never re-tested outside it. It is
   * now, on its rows outside every reported descendant against the rest of the rows outside them, and
   * kept only if it still stands out there: a parent that is high only through its worst child is not a
   * hot-spot of its own (the child then reads against the baseline), one with excess of its own stays.
   * Returns the dropped candidates.
   */
  private static List<Integer> explainAwayByDescendants(List<ScoredSegment> candidates, List<BitSet> coverage,
      List<OverlapSignatures.Signature> signatures, List<Integer> reported, Map<Integer, Double> retestP,
      Map<Segment, String> decisions, double threshold, HotspotSettings settings) {
    List<Integer> dropped = new ArrayList<>();
    for (int i : List.copyOf(reported)) {
      Segment segment = candidates.get(i).segment();
      BitSet outside = new BitSet();
      List<String> descendants = new ArrayList<>();
      for (int d : reported) {
        Segment other = candidates.get(d).segment();
        if (d != i && segment.contains(other)) {
          outside.or(coverage.get(d));
          descendants.add(other.key());
        }
      }
      if (descendants.isEmpty()) {
        continue;
      }
      Retest retest = Retest.of(coverage.get(i), outside, signatures);
      if (retest.standsOut(threshold, settings.minLift())) {
        retestP.merge(i, retest.p(), Math::max);
      } else {
        reported.remove(Integer.valueOf(i));
        retestP.remove(i);
        decisions.put(segment, retest.explainedAwayBy(descendants));
        dropped.add(i);
      }
    }
    return dropped;
  }

  /** A segment's rows outside some reported hot-spots, against the rest of the rows outside them. */
  private record Retest(long accounts, double lift, double p) {
    static Retest of(BitSet segment, BitSet outside, List<OverlapSignatures.Signature> signatures) {
      long n = 0, k = 0, total = 0, totalChurned = 0;
      for (int sig = 0; sig < signatures.size(); sig++) {
        if (outside.get(sig)) {
          continue;
        }
        OverlapSignatures.Signature s = signatures.get(sig);
        total += s.accounts();
        totalChurned += s.churned();
        if (segment.get(sig)) {
          n += s.accounts();
          k += s.churned();
        }
      }
      double p = ProportionTests.pGreater(k, n, totalChurned - k, total - n);
      double lift = SegmentScorer.ratio(n == 0 ? 0 : (double) k / n, total == 0 ? 0 : (double) totalChurned / total);
      return new Retest(n, lift, p);
    }

    boolean standsOut(double threshold, double minLift) {
      return accounts > 0 && p <= threshold && lift >= minLift;
    }

    String explainedAwayBy(List<String> hotspots) {
      return String.format("explained away by %s: outside it, %d accounts, lift %.2f, p %.3g",
          String.join(", ", hotspots), accounts, lift, p);
    }
  }

  /** Churned (or churned weight) above what the reference's rate predicts for this segment. */
  static double excess(SegmentCounts segment, SegmentCounts reference, boolean weighted) {
    return weighted
        ? segment.churnedWeight() - segment.weight() * reference.weightedRate()
        : segment.churned() - segment.accounts() * reference.rate();
  }

  private static List<BitSet> coverage(int candidates, List<OverlapSignatures.Signature> signatures) {
    List<BitSet> coverage = new ArrayList<>();
    for (int i = 0; i < candidates; i++) {
      coverage.add(new BitSet(signatures.size()));
    }
    for (int sig = 0; sig < signatures.size(); sig++) {
      for (int member : signatures.get(sig).members()) {
        coverage.get(member).set(sig);
      }
    }
    return coverage;
  }

  /** Candidate indices, in ranking order, keeping one per distinct coverage: the fewest values, then the first. */
  private static List<Integer> sameAccountsOnce(List<ScoredSegment> candidates, List<BitSet> coverage,
      Map<Integer, List<String>> aliases, Map<Segment, String> decisions) {
    Map<BitSet, Integer> keeper = new HashMap<>();
    java.util.Set<Integer> aliased = new java.util.HashSet<>();
    List<Integer> byOrder = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      byOrder.add(i);
    }
    byOrder.sort(Comparator.comparingInt((Integer i) -> candidates.get(i).segment().order()).thenComparingInt(i -> i));
    for (int i : byOrder) {
      Integer kept = keeper.putIfAbsent(coverage.get(i), i);
      if (kept != null) {
        aliases.computeIfAbsent(kept, x -> new ArrayList<>()).add(candidates.get(i).segment().key());
        aliased.add(i);
        decisions.put(candidates.get(i).segment(), "same accounts as " + candidates.get(kept).segment().key());
      }
    }
    return byOrder.stream().filter(i -> !aliased.contains(i)).sorted().collect(Collectors.toList());
  }
}
