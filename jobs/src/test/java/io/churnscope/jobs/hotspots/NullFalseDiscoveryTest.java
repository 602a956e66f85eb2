package io.churnscope.jobs.hotspots;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The null: dimensions independent of churn. Under the complete null, Benjamini–Hochberg at 5 %
 * bounds the chance that a run reports anything at all by 5 %; the parent tests and the
 * explain-away step can only lower it. Over 20 seeds a correct engine reports something in about one
 * run or fewer; 4 or more (probability 1.6 % at the bound) means the statistics are wrong.
 */
class NullFalseDiscoveryTest extends SparkTestBase {
  @Test
  void randomDimensionsYieldHotspotsNoMoreOftenThanTheFdr() {
    // -Dchurnscope.null-runs=100 measures the rate on more seeds (docs/hotspots.md quotes that run).
    int runs = Integer.getInteger("churnscope.null-runs", 20);
    List<String> found = new ArrayList<>();
    int runsWithAny = 0;
    HotspotSpec spec = HotspotSpec.of(List.of("a", "b", "c"), "churned", HotspotSettings.defaults());
    for (long seed = 1; seed <= runs; seed++) {
      try (HotspotEngine.Search search = HotspotEngine.search(SyntheticPopulations.nullPopulation(spark(), 3000, seed), spec)) {
        if (!search.hotspots().isEmpty()) {
          runsWithAny++;
          long run = seed;
          search.hotspots().forEach(h -> found.add("seed " + run + ": " + h.sentence()));
        }
      }
    }
    System.out.printf("null: %d of %d runs reported a hot-spot %s%n", runsWithAny, runs, found);
    // At most 3 of 20 (probability 1.6 % at the 5 % bound); on more runs, the binomial bound at the same level.
    int allowed = runs == 20 ? 3 : (int) Math.ceil(runs * 0.05 + 2.33 * Math.sqrt(runs * 0.05 * 0.95));
    assertTrue(runsWithAny <= allowed, runsWithAny + " of " + runs + " null runs reported hot-spots: " + found);
  }
}
