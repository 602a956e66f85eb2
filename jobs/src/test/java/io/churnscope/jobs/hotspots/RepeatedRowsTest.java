package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Rows that share an account are not independent: a population where every account repeats its
 * outcome 12 times holds no more information than one row per account, and with {@code --id} the
 * search must say exactly that (the same intervals, tests and hot-spots), while without it the
 * intervals are √12 times too narrow.
 */
class RepeatedRowsTest extends SparkTestBase {
  private static final List<String> DIMENSIONS = List.of("channel", "country", "region", "onboarding", "plan", "noise");

  /**
   * A support floor of 1 % of the rows, which is the same segments in both populations (the detectable
   * floor counts rows, and twelve copies of a segment would clear it twelve times as easily).
   */
  private static final HotspotSettings SETTINGS = share(HotspotSettings.defaults(), 0.01);

  private static HotspotSettings share(HotspotSettings d, double share) {
    return new HotspotSettings(d.maxOrder(), d.minSupport(), share, 0, d.fdr(), d.minLift(), d.bins(),
        d.maxValuesPerDimension(), d.maxCandidates(), d.parentTest());
  }

  private static HotspotSpec spec(String id) {
    HotspotSpec spec = HotspotSpec.of(DIMENSIONS, "churned", SETTINGS);
    return id == null ? spec : spec.withId(id);
  }

  @Test
  void twelveCopiesOfEveryAccountGiveTheIntervalsOfOneRowPerAccount() {
    Dataset<Row> once = SyntheticPopulations.planted(spark(), 4_000, 11, 0.30).drop("id");
    // Twelve rows per account, scattered over partitions in no particular order.
    Dataset<Row> twelve = once.withColumn("copy", explode(sequence(lit(1), lit(12)))).drop("copy").repartition(5);
    try (HotspotEngine.Search single = HotspotEngine.search(once, spec("account_id"));
        HotspotEngine.Search repeated = HotspotEngine.search(twelve, spec("account_id"));
        HotspotEngine.Search naive = HotspotEngine.search(twelve, spec(null))) {
      Map<Segment, ScoredSegment> byOne = bySegment(single);
      Map<Segment, ScoredSegment> byTwelve = bySegment(repeated);
      assertEquals(byOne.size(), byTwelve.size(), "as many segments tested");
      assertTrue(byOne.keySet().equals(byTwelve.keySet()), "the same segments are tested");
      assertTrue(byOne.size() > 100, byOne.size() + " segments tested");
      for (Map.Entry<Segment, ScoredSegment> e : byOne.entrySet()) {
        ScoredSegment one = e.getValue();
        ScoredSegment rep = byTwelve.get(e.getKey());
        String what = e.getKey().key();
        assertEquals(12 * one.counts().accounts(), rep.counts().accounts(), what);
        assertEquals(one.counts().accounts(), rep.counts().clusters().clusters(), what + ": distinct accounts");
        assertEquals(1.0, one.counts().designEffect(), 0, what + ": one row per account");
        assertEquals(12.0, rep.counts().designEffect(), 1e-9, what);
        assertEquals(one.ciLow(), rep.ciLow(), 1e-9, what + ": interval low");
        assertEquals(one.ciHigh(), rep.ciHigh(), 1e-9, what + ": interval high");
        assertEquals(one.pValue(), rep.pValue(), 1e-9 + 1e-6 * one.pValue(), what + ": p against the complement");
        if (one.pValueVsParents() != null) {
          assertEquals(one.pValueVsParents(), rep.pValueVsParents(), 1e-9 + 1e-6 * one.pValueVsParents(),
              what + ": p against the parents");
        }
      }
      assertEquals(keys(single), keys(repeated), "the same hot-spots");
      assertFalse(keys(single).isEmpty(), "the planted hot-spot is found");

      // Without the id, the twelve copies pass for twelve times the evidence: about 1/√12 the width.
      ScoredSegment hot = byOne.get(Segment.ALL.with("channel", "reseller").with("country", "US"));
      ScoredSegment hotNaive = bySegment(naive).get(hot.segment());
      double ratio = (hotNaive.ciHigh() - hotNaive.ciLow()) / (hot.ciHigh() - hot.ciLow());
      assertEquals(1 / Math.sqrt(12), ratio, 0.02, "naive width / honest width");
    }
  }

  @Test
  void theDesignEffectIsTheClusterRobustVarianceOverTheBinomialOne() {
    // Accounts (rows, churned): A (4, 4), B (4, 0), C (2, 1), D (2, 1); p = 6/12 = 0.5.
    // Σ(k − p·n)² = 4 + 4 + 0 + 0 = 8, so the variance is 8 / 12² against the binomial 0.25 / 12: 8/3.
    // E (3 rows, 1 churned) and F (3, 2) alone, in another segment, vary less than binomial rows: 1.
    StructType schema = new StructType().add("account", DataTypes.StringType).add("dim", DataTypes.StringType)
        .add("churned", DataTypes.IntegerType);
    List<Row> rows = new java.util.ArrayList<>();
    add(rows, "A", "x", 4, 4);
    add(rows, "B", "x", 4, 0);
    add(rows, "C", "x", 2, 1);
    add(rows, "D", "x", 2, 1);
    add(rows, "E", "y", 3, 1);
    add(rows, "F", "y", 3, 2);
    java.util.Collections.shuffle(rows, new java.util.Random(3));
    Dataset<Row> population = spark().createDataFrame(rows, schema).repartition(3);
    HotspotSettings tiny = new HotspotSettings(1, 1, 0, 0, 0.05, 1, 5, 10, 10,
        HotspotSettings.ParentTest.SELECTIVE);
    Population.Prepared prepared = Population.prepare(population,
        new HotspotSpec(List.of("dim"), "churned", null, "account", tiny));
    SegmentLattice.Result lattice = SegmentLattice.explore(prepared.rows(), List.of("dim"), "account", tiny);
    SegmentCounts x = lattice.frequent().get(Segment.ALL.with("dim", "x"));
    SegmentCounts y = lattice.frequent().get(Segment.ALL.with("dim", "y"));
    assertEquals(4, x.clusters().clusters());
    assertEquals(8.0 / 3, x.designEffect(), 1e-12);
    assertEquals(1.0, y.designEffect(), 0);
    // The complement of x is y, whose per-account sums are exactly all's minus x's (no account in both).
    assertEquals(y.designEffect(), lattice.all().designEffectWithout(x), 1e-12);
    assertEquals(8.0 / 3, lattice.all().designEffectWithout(y), 1e-12);
    // With the design effect, the interval is the one of 12 / (8/3) = 4.5 rows of which half churned.
    ProportionTests.Interval honest = ProportionTests.wilson(6, 12, x.designEffect(), ProportionTests.Z_95);
    ProportionTests.Interval binomial = ProportionTests.wilson(6, 12, ProportionTests.Z_95);
    assertTrue(honest.high() - honest.low() > binomial.high() - binomial.low());
    assertEquals(ProportionTests.wilson(9, 18, ProportionTests.Z_95).low(),
        ProportionTests.wilson(36, 72, 4.0, ProportionTests.Z_95).low(), 1e-12, "k/deff of n/deff");
  }

  private static void add(List<Row> rows, String account, String dim, int n, int churned) {
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(account, dim, i < churned ? 1 : 0));
    }
  }

  private static Map<Segment, ScoredSegment> bySegment(HotspotEngine.Search search) {
    return search.tested().stream().collect(Collectors.toMap(ScoredSegment::segment, Function.identity()));
  }

  private static List<String> keys(HotspotEngine.Search search) {
    return search.hotspots().stream().map(h -> h.segment().key()).toList();
  }
}
