package io.churnscope.jobs.hotspots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The nightly searches 15 dimensions to order 3: 455 dimension sets in one lattice level, every
 * combination of which must be counted. The search runs with generated code forced on and the fallback
 * to interpreted code off, so a generated method over the JVM's 64 KB limit (as an explode over all 455
 * sets once produced) fails the search instead of being logged and worked around.
 */
class WideLatticeCodegenTest extends SparkTestBase {
  static final Map<String, String> COMPILED_ONLY = Map.of("spark.sql.codegen.wholeStage", "true",
      "spark.sql.codegen.factoryMode", "CODEGEN_ONLY", "spark.sql.codegen.fallback", "false");

  @Test
  void fifteenDimensionsToOrderThreeCompile() {
    List<String> dimensions = new ArrayList<>();
    Dataset<Row> population = spark().range(0, 2000, 1, 2).toDF();
    for (int d = 1; d <= 15; d++) {
      String name = String.format("d%02d", d);
      dimensions.add(name);
      population = population.withColumn(name, SyntheticPopulations.pick(d, name, "x", "y"));
    }
    population = population.withColumn("churned", SyntheticPopulations.uniform(99, "churn").lt(0.2));
    HotspotSpec spec = HotspotSpec.of(dimensions, "churned", HotspotSettings.defaults());
    try (ConfRestore compiled = withConf(COMPILED_ONLY);
        HotspotEngine.Search search = HotspotEngine.search(population, spec)) {
      String levels = String.join("; ", search.log());
      assertTrue(levels.contains("level 3:"), "the search reached order 3: " + levels);
      // 15 dimensions of 2 values, each 1/2 of the rows: every pair (1/4) and triple (1/8 = 250 rows)
      // clears the 30-row floor, so level 3 counts all 455 x 8 combinations.
      assertTrue(levels.contains("level 3: 3640 candidates, 3640 frequent"), levels);
      assertEquals(0, search.hotspots().size(), "churn is independent of every dimension: " + search.hotspots());
    }
  }
}
