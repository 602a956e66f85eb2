package io.churnscope.jobs.hotspots;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * From significant segments to hot-spots, on the driver (the inputs are small):
 * <ol>
 *   <li><b>Candidates</b>: q ≤ fdr on both tests ({@link HotspotSettings.ParentTest}: higher than the complement <em>and</em> than
 *       the rest of every parent — a child that only inherits its parent's excess fails here and is folded
 *       into the parent) and lift ≥ min-lift; by excess over the baseline, at most max-candidates.</li>
 *   <li><b>Same accounts</b>: candidates covering exactly the same rows are reported once, as the shortest.</li>
 *   <li><b>Explain away</b>: down the ranking, a candidate that overlaps hot-spots already reported (other
 *       than those holding all its rows: its ancestors, which its parent test already beat, and segments
 *       like reseller × North America around reseller × US, settled below) is re-tested on the rows
 *       outside them, against the rest of those rows; it is kept only if it is still significant at the
 *       Benjamini–Hochberg threshold and still lifts by min-lift there. Then the other way: a reported
 *       segment with reported sub-segments is re-tested outside them, and dropped if its excess was
 *       theirs. Last, two reported segments one inside the other by the data only are tested against
 *       each other both ways, and the one that does not stand out (the worse fit, when neither does) is
 *       dropped. The ranking pass then runs again without the dropped ones, until none is dropped.</li>
 *   <li><b>Impact</b>: excess churned over the reference (the highest-rate reported parent or reported
 *       segment holding its rows, else the baseline); hot-spots are ranked by it (by excess churned
 *       weight when weighted).</li>
 * </ol>
 */
public final class HotspotSelection {
  /** The hot-spots and, for every candidate and folded segment, what became of it. */
  public record Outcome(List<Hotspot> hotspots, Map<Segment, String> decisions) {}

  private final List<ScoredSegment> candidates;
  private final List<OverlapSignatures.Signature> signatures;
  /** For each candidate, the overlap signatures it covers: its rows, as far as these passes need them. */
  private final List<BitSet> coverage;
  private final SegmentCounts all;
  private final HotspotSettings settings;
  /** The weight column, or null when impact is counted in accounts. */
  private final String weight;
  private final double threshold;

  /** What became of each candidate and folded segment, in the order it was decided. */
  private final Map<Segment, String> decisions = new LinkedHashMap<>();
  /** For each kept candidate, the candidates covering exactly its rows. */
  private final Map<Integer, List<String>> aliases = new HashMap<>();
  /** For each reported candidate re-tested outside other hot-spots, its p-value there (reset every round). */
  private final Map<Integer, Double> retestP = new HashMap<>();

  private HotspotSelection(List<ScoredSegment> scored, List<ScoredSegment> candidates,
      List<OverlapSignatures.Signature> signatures, SegmentCounts all, HotspotSettings settings, String weight) {
    this.candidates = candidates;
    this.signatures = signatures;
    this.coverage = coverage(candidates.size(), signatures);
    this.all = all;
    this.settings = settings;
    this.weight = weight;
    this.threshold = rejectionThreshold(scored, settings);
  }

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

  /**
   * The Benjamini–Hochberg cut-off of the test against the complement, fdr × R / m with R the segments
   * rejected against their complement ({@link SegmentScorer#rejected}: under {@code selective} the first
   * stage's selection, not only the segments that also passed their parent tests) — a p-value at or under
   * it is rejected among these tests — and the bar the re-tests must clear. Not the largest rejected
   * p-value: when every rejection is overwhelming that sits far below the cut-off, and a segment whose
   * excess outside another is at p = 1e-20 would be explained away by it.
   */
  public static double rejectionThreshold(List<ScoredSegment> scored, HotspotSettings settings) {
    return scored.isEmpty() ? 0 : settings.fdr() * SegmentScorer.rejected(scored, settings) / scored.size();
  }

  /** The passes in order: folded segments, same accounts once, explain away, then the ranking by impact. */
  public static Outcome select(List<ScoredSegment> scored, List<ScoredSegment> candidates,
      List<OverlapSignatures.Signature> signatures, SegmentCounts all, HotspotSettings settings, String weight) {
    HotspotSelection selection = new HotspotSelection(scored, candidates, signatures, all, settings, weight);
    selection.foldIntoParents(scored);
    List<Integer> reported = selection.explainAway(selection.sameAccountsOnce());
    return new Outcome(selection.rankedByImpact(reported), selection.decisions);
  }

  /**
   * Segments that beat the complement at the re-test bar but fail the combined test (not above the rest
   * of every parent): they only inherit a parent's excess, and are recorded as folded into the strongest one.
   */
  private void foldIntoParents(List<ScoredSegment> scored) {
    for (ScoredSegment s : scored) {
      boolean beatsComplement = s.pValue() <= threshold && s.lift() >= settings.minLift();
      if (beatsComplement && s.qValue() > settings.fdr()) {
        decisions.put(s.segment(), "folded into " + s.strongestParent().segment().key()
            + ": not significantly above the rest of every parent");
      }
    }
  }

  /**
   * Down the ranking, then the parents whose excess their reported children hold are dropped; the
   * ranking pass runs again without them (a segment explained away by a dropped parent may stand
   * out now), until no parent is dropped. Each round drops at least one candidate, so it ends.
   */
  private List<Integer> explainAway(List<Integer> distinct) {
    List<Integer> remaining = new ArrayList<>(distinct);
    while (true) {
      retestP.clear();
      List<Integer> reported = downTheRanking(remaining);
      List<Integer> dropped = explainAwayByDescendants(reported);
      if (dropped.isEmpty()) {
        dropped = settleSegmentsInside(reported);
      }
      if (dropped.isEmpty()) {
        return reported;
      }
      remaining.removeAll(dropped);
    }
  }

  /**
   * Reports candidates in ranking order; one that overlaps hot-spots already reported (other than those
   * holding all its rows) is re-tested on the rows outside them.
   */
  private List<Integer> downTheRanking(List<Integer> ranked) {
    List<Integer> reported = new ArrayList<>();
    for (int i : ranked) {
      Segment segment = candidates.get(i).segment();
      BitSet outside = new BitSet();
      List<String> overlapping = new ArrayList<>();
      for (int r : reported) {
        Segment earlier = candidates.get(r).segment();
        if (!holdsRows(r, i) && coverage.get(r).intersects(coverage.get(i))) {
          outside.or(coverage.get(r));
          overlapping.add(earlier.key());
        }
      }
      if (overlapping.isEmpty()) {
        reported.add(i);
        continue;
      }
      Retest retest = retest(i, outside);
      if (standsOut(retest)) {
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
   * Removes the dropped candidates from {@code reported} and returns them.
   */
  private List<Integer> explainAwayByDescendants(List<Integer> reported) {
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
      Retest retest = retest(i, outside);
      if (standsOut(retest)) {
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

  /**
   * Two reported segments, one inside the other by the data but not by its values (reseller × US inside
   * reseller × North America, since region follows country), were never tested against each other: the
   * ranking pass does not re-test the inner one outside the outer (nothing would be left). They are now,
   * both ways ({@link #settle}). Settles one pair per round (the ranking pass reruns without the loser),
   * so nothing is folded into a segment that is itself dropped. Returns the dropped candidate, if any.
   */
  private List<Integer> settleSegmentsInside(List<Integer> reported) {
    for (int inner : reported) {
      for (int outer : reported) {
        if (outer == inner || contains(outer, inner) || !holdsRows(outer, inner)) {
          continue;
        }
        List<Integer> dropped = settle(inner, outer);
        if (!dropped.isEmpty()) {
          return dropped;
        }
      }
    }
    return List.of();
  }

  /**
   * The outer segment is tested on its rows outside the inner one, the inner one against the rest of
   * the outer one, each at the Benjamini–Hochberg threshold and min-lift.
   * <ul>
   *   <li>both stand out: both are reported, the inner one read against the outer one;</li>
   *   <li>only the outer one: the inner one adds nothing to it and is folded into it;</li>
   *   <li>only the inner one: the outer one is high only through it and is explained away;</li>
   *   <li>neither (too few rows to tell them apart at that bar): the one whose rate fits the outer
   *       one's rows better stays — the outer one's rate over all of them, or the inner one's rate on
   *       its rows and the rate outside the outer one on the rest. Both explanations spend one rate;
   *       neither is simpler by its number of values.</li>
   * </ul>
   * Returns the dropped one, or nothing when both stand out.
   */
  private List<Integer> settle(int inner, int outer) {
    Segment segment = candidates.get(inner).segment();
    Segment larger = candidates.get(outer).segment();
    BitSet notOuter = (BitSet) coverage.get(outer).clone();
    notOuter.flip(0, signatures.size());
    Retest within = retest(inner, notOuter);
    Retest outside = retest(outer, coverage.get(inner));
    boolean innerStandsOut = standsOut(within);
    boolean outerStandsOut = standsOut(outside);
    if (innerStandsOut && outerStandsOut) {
      return List.of();
    }
    boolean keepInner = innerStandsOut || !outerStandsOut && innerFitsBetter(inner, outer);
    if (keepInner) {
      decisions.put(larger, outside.explainedAwayBy(List.of(segment.key()))
          + (innerStandsOut ? "" : "; its rows fit the inside one's rate better than its own"));
      return List.of(outer);
    }
    decisions.put(segment, String.format(Locale.ROOT,
        "folded into %s: inside it, but not above the rest of it (lift %.2f, p %.3g)%s", larger.key(),
        within.lift(), within.p(), outerStandsOut ? "" : "; its rows fit the outer one's rate better"));
    return List.of(inner);
  }

  /**
   * Binomial log-likelihood of the outer segment's rows: the inner segment at its own rate and the rest
   * at the rate outside the outer segment, against all of them at the outer segment's rate.
   */
  private boolean innerFitsBetter(int inner, int outer) {
    long nIn = 0, kIn = 0, nRest = 0, kRest = 0, nOut = 0, kOut = 0;
    for (int sig = 0; sig < signatures.size(); sig++) {
      OverlapSignatures.Signature s = signatures.get(sig);
      if (coverage.get(inner).get(sig)) {
        nIn += s.accounts();
        kIn += s.churned();
      } else if (coverage.get(outer).get(sig)) {
        nRest += s.accounts();
        kRest += s.churned();
      } else {
        nOut += s.accounts();
        kOut += s.churned();
      }
    }
    double outerRate = rate(kIn + kRest, nIn + nRest);
    double outerOnly = logLikelihood(kIn, nIn, outerRate) + logLikelihood(kRest, nRest, outerRate);
    double innerOnly = logLikelihood(kIn, nIn, rate(kIn, nIn)) + logLikelihood(kRest, nRest, rate(kOut, nOut));
    return innerOnly > outerOnly;
  }

  private static double rate(long k, long n) {
    return n == 0 ? 0 : (double) k / n;
  }

  private static double logLikelihood(long k, long n, double p) {
    double clamped = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
    return k * Math.log(clamped) + (n - k) * Math.log(1 - clamped);
  }

  /** True when candidate {@code outer}'s values contain candidate {@code inner}'s (an ancestor or itself). */
  private boolean contains(int outer, int inner) {
    return candidates.get(outer).segment().contains(candidates.get(inner).segment());
  }

  /** True when every row of candidate {@code inner} is in candidate {@code outer} (by the data, not only by values). */
  private boolean holdsRows(int outer, int inner) {
    BitSet outside = (BitSet) coverage.get(inner).clone();
    outside.andNot(coverage.get(outer));
    return outside.isEmpty();
  }

  /**
   * Candidate {@code candidate}'s rows outside {@code outside} against the rest outside it. With rows
   * that share an account, both sides keep the design effects of the whole candidate and of its
   * complement ({@link ClusterSums}): the overlap signatures carry counts, not per-account sums.
   */
  private Retest retest(int candidate, BitSet outside) {
    SegmentCounts counts = candidates.get(candidate).counts();
    return Retest.of(coverage.get(candidate), outside, signatures, counts.designEffect(),
        all.designEffectWithout(counts));
  }

  /** Still significant at the Benjamini–Hochberg threshold, and still lifting by min-lift, on the rows left. */
  private boolean standsOut(Retest retest) {
    return retest.standsOut(threshold, settings.minLift());
  }

  /** A segment's rows outside some reported hot-spots, against the rest of the rows outside them. */
  private record Retest(long accounts, double lift, double p) {
    static Retest of(BitSet segment, BitSet outside, List<OverlapSignatures.Signature> signatures,
        double segmentDesignEffect, double restDesignEffect) {
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
      double p = ProportionTests.pGreater(k, n, segmentDesignEffect, totalChurned - k, total - n, restDesignEffect);
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

  /** The reported candidates as hot-spots, by excess churned (by excess churned weight when weighted), numbered. */
  private List<Hotspot> rankedByImpact(List<Integer> reported) {
    List<Hotspot> unranked = new ArrayList<>();
    for (int i : reported) {
      unranked.add(hotspot(i, reference(i, reported)));
      decisions.put(candidates.get(i).segment(), "reported");
    }
    unranked.sort(Comparator.comparingDouble((Hotspot h) -> -(weighted() ? h.excessChurnedWeight() : h.excessChurned()))
        .thenComparing(h -> h.segment().key()));
    List<Hotspot> ranked = new ArrayList<>();
    for (Hotspot h : unranked) {
      ranked.add(withRank(h, ranked.size() + 1));
    }
    return ranked;
  }

  /** The highest-rate reported parent or reported segment holding the candidate's rows, else the baseline. */
  private SegmentCounts reference(int i, List<Integer> reported) {
    ScoredSegment s = candidates.get(i);
    SegmentCounts reference = all;
    for (int r : reported) {
      ScoredSegment other = candidates.get(r);
      boolean parent = other.segment().order() == s.segment().order() - 1 && other.segment().contains(s.segment());
      boolean around = r != i && !other.segment().contains(s.segment()) && holdsRows(r, i);
      if ((parent || around) && (reference == all || other.rate() > reference.rate())) {
        reference = other.counts();
      }
    }
    return reference;
  }

  /** An unranked hot-spot: its excess over the reference, its re-test p-value and its aliases. */
  private Hotspot hotspot(int i, SegmentCounts reference) {
    ScoredSegment s = candidates.get(i);
    return new Hotspot(0, s, reference, excess(s.counts(), reference, false), weighted()
        ? excess(s.counts(), reference, true) : 0, retestP.get(i), aliases.getOrDefault(i, List.of()), null);
  }

  /** The hot-spot numbered, with the sentence that reads its rank. */
  private Hotspot withRank(Hotspot h, int rank) {
    Hotspot numbered = new Hotspot(rank, h.scored(), h.reference(), h.excessChurned(),
        h.excessChurnedWeight(), h.pValueOutsideOverlaps(), h.sameAccountsAs(), null);
    return new Hotspot(numbered.rank(), h.scored(), h.reference(), h.excessChurned(), h.excessChurnedWeight(),
        h.pValueOutsideOverlaps(), h.sameAccountsAs(), Sentences.of(numbered, all, weight));
  }

  private boolean weighted() {
    return weight != null;
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

  /**
   * Candidate indices, in ranking order, keeping one per distinct coverage: the fewest values, then the first.
   * The others are recorded as its aliases.
   */
  private List<Integer> sameAccountsOnce() {
    Map<BitSet, Integer> keeper = new HashMap<>();
    Set<Integer> aliased = new HashSet<>();
    for (int i : byOrderThenRank()) {
      Integer kept = keeper.putIfAbsent(coverage.get(i), i);
      if (kept != null) {
        aliases.computeIfAbsent(kept, x -> new ArrayList<>()).add(candidates.get(i).segment().key());
        aliased.add(i);
        decisions.put(candidates.get(i).segment(), "same accounts as " + candidates.get(kept).segment().key());
      }
    }
    return IntStream.range(0, candidates.size()).filter(i -> !aliased.contains(i)).boxed().collect(Collectors.toList());
  }

  /** Candidate indices, fewest values first, then in ranking order. */
  private List<Integer> byOrderThenRank() {
    List<Integer> byOrder = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      byOrder.add(i);
    }
    byOrder.sort(Comparator.comparingInt((Integer i) -> candidates.get(i).segment().order()).thenComparingInt(i -> i));
    return byOrder;
  }
}
