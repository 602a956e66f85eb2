package io.churnscope.jobs.hotspots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A 20,000-account population with one planted 2-way hot-spot and its look-alikes (see SyntheticPopulations). */
class PlantedHotspotTest extends SparkTestBase {
  static HotspotEngine.Search search;
  static int sparkJobs;

  @BeforeAll
  static void run() throws Exception {
    HotspotSpec spec = HotspotSpec.of(List.of("channel", "country", "region", "onboarding", "plan", "noise"), "churned",
        HotspotSettings.defaults());
    spark().sparkContext().setJobGroup("planted-search", "the planted search", false);
    search = HotspotEngine.search(SyntheticPopulations.planted(spark(), 20_000, 7, 0.30), spec);
    spark().sparkContext().clearJobGroup();
    spark().sparkContext().listenerBus().waitUntilEmpty();
    sparkJobs = spark().sparkContext().statusTracker().getJobIdsForGroup("planted-search").length;
    System.out.println(sparkJobs + " Spark jobs for " + search.tested().size() + " segments tested");
    search.log().forEach(System.out::println);
    search.hotspots().forEach(h -> System.out.println(h.rank() + ". " + h.sentence()));
    search.decisions().forEach((s, d) -> System.out.println(s.key() + ": " + d));
  }

  @AfterAll
  static void release() {
    search.close();
  }

  private static String decision(String... values) {
    Segment segment = Segment.ALL;
    for (int i = 0; i < values.length; i += 2) {
      segment = segment.with(values[i], values[i + 1]);
    }
    return search.decisions().getOrDefault(segment, "not a candidate");
  }

  @Test
  void thePlantedInteractionIsTheOnlyHotspot() {
    assertEquals(List.of("channel=reseller & country=US"), search.hotspots().stream().map(h -> h.segment().key()).toList());
    Hotspot h = search.hotspots().get(0);
    // The planted rate (30 %) is inside the reported interval.
    assertTrue(h.scored().ciLow() <= 0.30 && 0.30 <= h.scored().ciHigh(), h.sentence());
    assertTrue(h.referenceIsBaseline(), "neither parent is reported, so the reference is the baseline");
    assertTrue(h.sentence().startsWith("Churn in channel=reseller × country=US is "), h.sentence());
  }

  @Test
  void aConfoundedDimensionIsExplainedAway() {
    // onboarding=partner_portal and its parents-level look-alikes are significant on their own...
    assertTrue(decision("onboarding", "partner_portal").startsWith("explained away by channel=reseller & country=US"),
        decision("onboarding", "partner_portal"));
    // ...and so are the two parents of the interaction, high only through their shared accounts.
    assertTrue(decision("channel", "reseller").startsWith("explained away"), decision("channel", "reseller"));
    assertTrue(decision("country", "US").startsWith("explained away"), decision("country", "US"));
    assertTrue(decision("channel", "reseller", "region", "NA").startsWith("explained away"),
        decision("channel", "reseller", "region", "NA"));
  }

  @Test
  void aChildCoveringTheSameAccountsAsItsParentIsFolded() {
    // region is a function of country: country=US × region=NA is country=US, and adding region=NA to
    // the hot-spot changes nothing.
    assertTrue(decision("channel", "reseller", "country", "US", "region", "NA").startsWith("folded into"),
        decision("channel", "reseller", "country", "US", "region", "NA"));
    assertTrue(search.hotspots().stream().noneMatch(h -> h.segment().values().containsKey("region")));
  }

  /**
   * The work is a few jobs per lattice level, not one per segment: 768 segments are tested at order 3.
   * (Checks and bands, three levels, overlaps; each aggregation may be a couple of jobs with AQE and
   * the broadcast of the candidate keys.)
   */
  @Test
  void theSearchRunsABoundedNumberOfSparkJobs() {
    assertTrue(search.tested().size() > 500, "segments tested: " + search.tested().size());
    assertTrue(sparkJobs <= 20, sparkJobs + " Spark jobs");
  }

  @Test
  void anIndependentDimensionYieldsNothing() {
    assertTrue(search.hotspots().stream().noneMatch(h -> h.segment().values().containsKey("noise")
        || h.segment().values().containsKey("plan")));
    Map<Segment, String> decisions = search.decisions();
    assertTrue(decisions.keySet().stream().noneMatch(s -> s.order() == 1 && s.values().containsKey("noise")),
        "no single noise value is even a candidate: " + decisions);
  }
}
