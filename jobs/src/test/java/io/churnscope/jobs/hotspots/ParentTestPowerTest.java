package io.churnscope.jobs.hotspots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.generator.PlantedRenewalPool;
import io.churnscope.jobs.hotspots.HotspotSettings.ParentTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The two parent tests on one of the generator's planted renewal pools where they differ (scale 2,
 * seed 8: 2,000 accounts, one row per renewal; bench/planted-power measures 30 such pools and 100 null
 * ones). The selective test (Benjamini–Bogomolov) holds a selected segment's parent comparison to
 * fdr × selected / tested instead of the bar of every segment tested, so it reports the planted
 * children the combined test misses, and nothing that was not planted.
 */
class ParentTestPowerTest extends SparkTestBase {
  @Test
  void theSelectiveParentTestFindsThePlantedSegmentsTheCombinedOneMisses() {
    // Not cached: the searches persist their one preparation of it (HotspotEngine.searches).
    Dataset<Row> pool = PlantedRenewalPool.draw(spark(), 2, 8, 0.03, true);
    List<HotspotSpec> specs = new ArrayList<>();
    for (ParentTest test : List.of(ParentTest.COMBINED, ParentTest.SELECTIVE)) {
      specs.add(new HotspotSpec(PlantedRenewalPool.DIMENSIONS, PlantedRenewalPool.OUTCOME, null, PlantedRenewalPool.ID,
          HotspotSettings.defaults().withParentTest(test)));
    }
    List<HotspotEngine.Search> searches = HotspotEngine.searches(pool, specs);
    try {
      Map<String, Segment> planted = new TreeMap<>();
      PlantedRenewalPool.planted().forEach((id, values) -> planted.put(id, Segment.of(values)));
      Set<String> combined = found(searches.get(0), planted);
      Set<String> selective = found(searches.get(1), planted);
      System.out.println("combined " + combined + ", selective " + selective);
      assertTrue(selective.containsAll(combined) && selective.size() > combined.size(),
          "selective " + selective + " against combined " + combined);
      assertEquals(Set.of("H1", "H2", "H3"), selective, "every planted segment, as itself");
      assertEquals(3, searches.get(1).hotspots().size(), "nothing else: " + searches.get(1).hotspots());
    } finally {
      searches.get(0).close();
    }
  }

  /** The planted ids reported as themselves ({@link Hotspot#reportsAs}). */
  private static Set<String> found(HotspotEngine.Search search, Map<String, Segment> planted) {
    Set<String> out = new TreeSet<>();
    planted.forEach((id, segment) -> {
      if (search.hotspots().stream().anyMatch(h -> h.reportsAs(segment))) {
        out.add(id);
      }
    });
    return out;
  }
}
