package io.churnscope.jobs.hotspots;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The hot-spot search over any population: {@link #search(Dataset, HotspotSpec)}. This is the API
 * the nightly stage and the standalone job both call (docs/hotspots.md).
 *
 * <p>Spark work, all bounded in the number of jobs: one pass to check and band the input, one
 * aggregation per lattice level ({@link SegmentLattice}), one for the overlaps of the candidates
 * ({@link OverlapSignatures}). The prepared rows are cached for those passes; close the search to
 * release them. Everything collected to the driver is segment counts, never rows.
 */
public final class HotspotEngine {
  /**
   * The result of a search.
   *
   * @param all the whole population (the baseline)
   * @param tested every segment tested (met the minimum support), with its statistics
   * @param hotspots the reported hot-spots, ranked by impact
   * @param decisions for each candidate and folded segment not reported, why (and "reported" for the rest)
   * @param log one line per step, for the job's output
   * @param weighted whether impact is measured in churned weight
   */
  public record Search(Population.Prepared population, SegmentCounts all, List<ScoredSegment> tested,
      List<Hotspot> hotspots, Map<Segment, String> decisions, List<String> log, boolean weighted) implements AutoCloseable {
    @Override
    public void close() {
      population.rows().unpersist();
    }
  }

  private HotspotEngine() {}

  public static Search search(Dataset<Row> input, HotspotSpec spec) {
    return searches(input, List.of(spec)).get(0);
  }

  /**
   * Searches of one input that differ only in their weight and their parent test, in the order given —
   * the nightly's count and revenue analyses of a churn kind, or a bench's two parent tests. One preparation and one lattice walk serve them all (the walk
   * counts rows and sums the weight in the same aggregation; a search without a weight reads the
   * counts as its weights), so the lattice, the nightly's costliest part, is walked once, not per analysis.
   */
  public static List<Search> searches(Dataset<Row> input, List<HotspotSpec> specs) {
    long started = System.nanoTime();
    List<String> weights = specs.stream().map(HotspotSpec::weight).filter(java.util.Objects::nonNull).distinct().toList();
    HotspotSpec walked = weights.isEmpty() ? specs.get(0) : specs.get(0).withWeight(weights.get(0));
    if (weights.size() > 1 || specs.stream().anyMatch(s -> !s.withWeight(walked.weight())
        .withSettings(s.settings().withParentTest(walked.settings().parentTest())).equals(walked))) {
      throw new IllegalArgumentException("searches of one walk differ only in their weight (one at most) and parent test: "
          + specs);
    }
    List<String> shared = new ArrayList<>();
    Population.Prepared population = Population.prepare(input, walked);
    population.rows().persist(StorageLevel.MEMORY_AND_DISK());
    population.bands().forEach((dimension, labels) -> shared.add("banded " + dimension + " into " + labels));
    if (population.rowsWithoutOutcome() > 0) {
      shared.add(population.rowsWithoutOutcome() + " rows without an outcome left out");
    }
    SegmentLattice.Result lattice = SegmentLattice.explore(population.rows(), population.dimensions(), population.idColumn(),
        walked.weighted(), walked.settings());
    shared.addAll(lattice.levels());
    List<Search> out = new ArrayList<>();
    for (HotspotSpec spec : specs) {
      out.add(select(population, spec.weighted() ? lattice : lattice.counted(), spec, new ArrayList<>(shared), started));
    }
    return out;
  }

  private static Search select(Population.Prepared population, SegmentLattice.Result lattice, HotspotSpec spec,
      List<String> log, long started) {
    List<ScoredSegment> scored = SegmentScorer.score(lattice, spec.settings());
    List<ScoredSegment> candidates = HotspotSelection.candidates(scored, lattice.all(), spec.settings(), spec.weighted());
    List<OverlapSignatures.Signature> signatures =
        OverlapSignatures.of(population.rows(), candidates.stream().map(ScoredSegment::segment).toList());
    HotspotSelection.Outcome outcome = HotspotSelection.select(scored, candidates, signatures, lattice.all(),
        spec.settings(), spec.weight());
    log.add(String.format("%d segments tested, %d significant candidates, %d hot-spots reported (%.1f s)",
        scored.size(), candidates.size(), outcome.hotspots().size(), (System.nanoTime() - started) / 1e9));
    return new Search(population, lattice.all(), scored, outcome.hotspots(), outcome.decisions(), log,
        spec.weighted());
  }
}
