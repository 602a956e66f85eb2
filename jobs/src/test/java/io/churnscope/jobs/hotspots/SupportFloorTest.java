package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The default support floor is the detectable floor (docs/hotspots.md, "Support floor"), not a share of
 * the population: on 100,000 accounts a segment of 800 churning at three times the baseline is tested
 * and reported, where a 1 % share (1,000 accounts) never tested it.
 */
class SupportFloorTest extends SparkTestBase {
  @Test
  void theDetectableFloorIsTheSmallestSegmentWhereTheFloorLiftIsSignificant() {
    HotspotSettings defaults = HotspotSettings.defaults();
    assertEquals(3.0, defaults.floorLift());
    assertEquals(0.0, defaults.minSupportShare());
    // z(1 − 0.05 / 50,000) = 4.753; 4.753² × 0.95 / (2² × 0.05) = 107.3.
    assertEquals(108, defaults.detectableFloor(0.05, 50_000));
    // The floor grows with the tests (a stricter bar) and shrinks as churn gets commoner.
    assertTrue(defaults.detectableFloor(0.05, 500) < defaults.detectableFloor(0.05, 50_000));
    assertTrue(defaults.detectableFloor(0.25, 50_000) < defaults.detectableFloor(0.05, 50_000));
    assertEquals(0, defaults.withFloorLift(0).detectableFloor(0.05, 50_000), "off");
    assertEquals(0, defaults.detectableFloor(0.0, 50_000), "no churn: nothing to detect");
    assertEquals(30, defaults.supportFloor(100_000, 0.26, 300), "the minimum of 30 accounts still holds");
  }

  @Test
  void aMaterialSegmentBelowOnePercentIsTestedAndReported() {
    // 100,000 accounts churning at 5 %; 800 of them (0.8 %) in a pilot programme churning at 15 %.
    Dataset<Row> population = spark().range(0, 100_000, 1, 4)
        .withColumn("channel", SyntheticPopulations.pick(5, "channel", "reseller", "retail", "organic", "partner"))
        .withColumn("country", SyntheticPopulations.pick(5, "country", "US", "CA", "DE", "FR", "GB"))
        .withColumn("plan", SyntheticPopulations.pick(5, "plan", "basic", "pro", "enterprise"))
        .withColumn("programme", when(col("id").mod(125).equalTo(0), "pilot").otherwise("standard"))
        .withColumn("churned", SyntheticPopulations.uniform(5, "churn")
            .lt(when(col("programme").equalTo("pilot"), 0.15).otherwise(0.05)));
    List<String> dimensions = List.of("channel", "country", "plan", "programme");
    HotspotSettings defaults = HotspotSettings.defaults();
    HotspotSettings onePercent = new HotspotSettings(defaults.maxOrder(), defaults.minSupport(), 0.01, 0,
        defaults.fdr(), defaults.minLift(), defaults.bins(), defaults.maxValuesPerDimension(), defaults.maxCandidates(),
        defaults.parentTest());
    Segment pilot = Segment.ALL.with("programme", "pilot");
    try (HotspotEngine.Search search = HotspotEngine.search(population, HotspotSpec.of(dimensions, "churned", defaults));
        HotspotEngine.Search flat = HotspotEngine.search(population, HotspotSpec.of(dimensions, "churned", onePercent))) {
      search.log().forEach(System.out::println);
      assertEquals(List.of(pilot), search.hotspots().stream().map(Hotspot::segment).toList(),
          "the pilot programme is the one hot-spot");
      assertEquals(800, search.hotspots().get(0).scored().counts().accounts());
      assertTrue(flat.tested().stream().noneMatch(s -> s.segment().equals(pilot)), "1 % of 100,000 is 1,000 accounts");
      assertFalse(flat.hotspots().stream().anyMatch(h -> h.segment().equals(pilot)));
    }
  }
}
