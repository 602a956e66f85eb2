package io.churnscope.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * The planted renewal pool churns at the planted rates: each planted segment's renewals (outside the
 * other planted segments) at about lift × the base hazard, the rest at the base; a null pool at the base
 * everywhere. Scale 8 (8,000 accounts, about 60,000 renewals) so the rates are tight.
 */
class PlantedRenewalPoolTest extends SparkTestBase {
  static final double BASE = 0.03;

  @Test
  void plantedSegmentsChurnAtTheirLiftAndTheRestAtTheBase() {
    Dataset<Row> pool = PlantedRenewalPool.draw(spark(), 8, 11, BASE, true).cache();
    Map<String, Map<String, String>> planted = PlantedRenewalPool.planted();
    Column inAny = functions.lit(false);
    for (Map<String, String> segment : planted.values()) {
      inAny = inAny.or(member(segment));
    }
    for (Map.Entry<String, Map<String, String>> h : planted.entrySet()) {
      Column alone = member(h.getValue());
      for (Map<String, String> other : planted.values()) {
        alone = other.equals(h.getValue()) ? alone : alone.and(functions.not(member(other)));
      }
      double expected = BASE * PlantedRenewalPool.lifts().get(h.getKey());
      assertRate(pool.where(alone), expected, h.getKey());
    }
    assertRate(pool.where(functions.not(inAny)), BASE, "outside the planted segments");
    assertEquals(PlantedRenewalPool.DIMENSIONS.size() + 2, pool.columns().length);
    assertEquals(pool.count(), PlantedRenewalPool.draw(spark(), 8, 11, BASE, true).count(), "the same pool for the same seed");
    pool.unpersist();
  }

  @Test
  void aNullPoolChurnsAtTheBaseInThePlantedSegmentsToo() {
    Dataset<Row> pool = PlantedRenewalPool.draw(spark(), 8, 11, BASE, false);
    for (Map.Entry<String, Map<String, String>> h : PlantedRenewalPool.planted().entrySet()) {
      assertRate(pool.where(member(h.getValue())), BASE, h.getKey() + " in the null pool");
    }
  }

  private static Column member(Map<String, String> segment) {
    Column in = functions.lit(true);
    for (Map.Entry<String, String> e : segment.entrySet()) {
      in = in.and(functions.col(e.getKey()).equalTo(e.getValue()));
    }
    return in;
  }

  /** The rate within 3.5 binomial standard errors of {@code expected} (and at least 200 renewals). */
  private static void assertRate(Dataset<Row> rows, double expected, String what) {
    Row r = rows.agg(functions.count(functions.lit(1)), functions.sum(PlantedRenewalPool.OUTCOME)).first();
    long n = r.getLong(0);
    double rate = r.getLong(1) / (double) n;
    double se = Math.sqrt(expected * (1 - expected) / n);
    assertTrue(n >= 200, what + ": only " + n + " renewals");
    assertTrue(Math.abs(rate - expected) <= 3.5 * se, String.format("%s: %.4f over %d renewals, planted %.4f", what, rate, n, expected));
  }
}
