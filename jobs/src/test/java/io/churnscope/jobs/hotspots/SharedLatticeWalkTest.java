package io.churnscope.jobs.hotspots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The nightly's count and revenue analyses share one lattice walk ({@link HotspotEngine#searches}): each
 * must come out exactly as its own search would, segment by segment, and the two must really differ
 * (the weight changes what is reported) so the comparison can fail.
 */
class SharedLatticeWalkTest extends SparkTestBase {
  private static final HotspotSpec SPEC = HotspotSpec.of(List.of("channel", "country", "region", "onboarding", "plan", "noise"),
      "churned", HotspotSettings.defaults()).withId("account_id");

  @Test
  void oneWalkGivesWhatSeparateSearchesGive() {
    Dataset<Row> population = SyntheticPopulations.planted(spark(), 20_000, 7, 0.30).cache();
    HotspotSpec byRevenue = SPEC.withWeight("mrr");
    List<HotspotEngine.Search> shared = HotspotEngine.searches(population, List.of(SPEC, byRevenue));
    try (HotspotEngine.Search alone = HotspotEngine.search(population, SPEC);
        HotspotEngine.Search aloneByRevenue = HotspotEngine.search(population, byRevenue)) {
      assertSame(alone, shared.get(0));
      assertSame(aloneByRevenue, shared.get(1));
      assertFalse(shared.get(0).weighted());
      assertTrue(shared.get(1).weighted());
      // The weight matters: the revenue search's baseline is a weighted rate, not the count rate.
      assertTrue(Math.abs(shared.get(1).all().weightedRate() - shared.get(0).all().rate()) > 1e-6);
    } finally {
      shared.forEach(HotspotEngine.Search::close);
      population.unpersist();
    }
  }

  @Test
  void searchesOfOneWalkMayDifferOnlyInTheirWeight() {
    Dataset<Row> population = SyntheticPopulations.planted(spark(), 1_000, 7, 0.30);
    HotspotSpec fewerDimensions = HotspotSpec.of(List.of("channel", "country"), "churned", HotspotSettings.defaults())
        .withId("account_id");
    assertThrows(IllegalArgumentException.class, () -> HotspotEngine.searches(population, List.of(SPEC, fewerDimensions)));
    assertThrows(IllegalArgumentException.class,
        () -> HotspotEngine.searches(population, List.of(SPEC.withWeight("mrr"), SPEC.withWeight("id"))));
  }

  private static void assertSame(HotspotEngine.Search expected, HotspotEngine.Search actual) {
    assertEquals(expected.all(), actual.all());
    Map<Segment, ScoredSegment> byKey = actual.tested().stream()
        .collect(Collectors.toMap(ScoredSegment::segment, Function.identity()));
    assertEquals(expected.tested().size(), actual.tested().size());
    for (ScoredSegment s : expected.tested()) {
      assertEquals(s, byKey.get(s.segment()), s.segment().key());
    }
    assertEquals(expected.hotspots(), actual.hotspots());
    assertEquals(expected.decisions(), actual.decisions());
  }
}
