package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.pow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The vertical layout counts every segment exactly as the row-wise tally does: on a population of
 * skewed dimensions (one value common, the rest rare, like census attributes) in three partitions,
 * the lattice to order 3 walked both ways holds the same frequent segments with the same counts, and
 * each single value's counts are a plain group-by's.
 */
class VerticalCountsTest extends SparkTestBase {
  @Test
  void bitsetsCountWhatTheRowWiseTallyCounts() {
    List<String> dimensions = new ArrayList<>();
    Dataset<Row> population = spark().range(0, 6000, 1, 3).toDF();
    for (int d = 1; d <= 7; d++) {
      String name = "d" + d;
      dimensions.add(name);
      int values = 2 + d % 5;
      // u^2 leans to the first values: value 0 is common, the last ones rare.
      population = population.withColumn(name, floor(pow(SyntheticPopulations.uniform(d, name), 2).multiply(values))
          .cast("int").cast("string"));
    }
    population = population.withColumn("churned", SyntheticPopulations.uniform(99, "churn")
        .lt(col("d1").equalTo("0").and(col("d3").equalTo("1")).cast("double").multiply(0.2).plus(0.1)).cast("int"));
    HotspotSettings settings = HotspotSettings.defaults().withFloorLift(0);
    HotspotSpec spec = HotspotSpec.of(dimensions, "churned", settings);
    Population.Prepared prepared = Population.prepare(population, spec);
    Dataset<Row> rows = prepared.rows().cache();
    SegmentLattice.Result vertical = SegmentLattice.explore(rows, prepared.dimensions(), null, false, settings);
    SegmentLattice.Result rowWise = SegmentLattice.explore(rows, prepared.dimensions(), null, true, settings);
    rows.unpersist();
    assertTrue(vertical.frequent().keySet().stream().anyMatch(s -> s.order() == 3), "order-3 segments counted");
    assertTrue(vertical.frequent().size() > 300, vertical.frequent().size() + " segments");
    for (String d : dimensions) {
      for (Row r : population.groupBy(d).agg(org.apache.spark.sql.functions.count("*"),
          org.apache.spark.sql.functions.sum("churned")).collectAsList()) {
        SegmentCounts c = vertical.frequent().get(Segment.ALL.with(d, r.getString(0)));
        if (r.getLong(1) >= 30) {
          assertEquals(r.getLong(1) + " " + r.getLong(2), c.accounts() + " " + c.churned(), d + "=" + r.getString(0));
        }
      }
    }
    assertEquals(6000, vertical.all().accounts());
    assertEquals(rowWise.all(), vertical.all());
    assertEquals(rowWise.frequent(), vertical.frequent());
  }
}
