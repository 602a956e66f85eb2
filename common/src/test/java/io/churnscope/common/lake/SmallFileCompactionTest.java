package io.churnscope.common.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigValue;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.testing.DeltaSnapshotFiles;
import io.churnscope.common.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table the nightly writes a few rows to on every run (the run manifest, the quarantine) must not
 * grow a file per run forever: the shipped configuration turns on Delta's auto compaction, and
 * after many small commits through {@link DeltaIO} the table holds few files and every row.
 */
class SmallFileCompactionTest extends SparkTestBase {
  static final TableSpec LOG = new TableSpec("_runs", "small_commits",
      new StructType().add("run", DataTypes.LongType).add("note", DataTypes.StringType), List.of(), "one row per commit");

  @TempDir
  Path dir;

  @Test
  void manySmallCommitsLeaveFewFilesWithTheShippedSettings() {
    Map<String, String> shipped = shippedAutoCompaction();
    assertEquals("true", shipped.get("spark.databricks.delta.autoCompact.enabled"), "defaults.conf turns auto compaction on: " + shipped);
    assertTrue(Integer.parseInt(shipped.get("spark.databricks.delta.autoCompact.minNumFiles")) <= 50,
        "a bound that a month of nightly runs reaches: " + shipped);
    // The shipped switch with a lower threshold, so that a few commits show the bound.
    int minFiles = 5;
    shipped.put("spark.databricks.delta.autoCompact.minNumFiles", String.valueOf(minFiles));
    Lake lake = new Lake(dir.resolve("lake").toString());
    int commits = 2 * minFiles + 3;
    try (ConfRestore autoCompaction = withConf(shipped)) {
      for (int run = 0; run < commits; run++) {
        // Two tasks, so every commit adds two files, as a small nightly write does.
        DeltaIO.append(spark(), lake, LOG, spark().range(run * 10L, run * 10L + 10, 1, 2)
            .selectExpr("id AS run", "'row ' || id AS note"));
      }
    }
    List<String> files = DeltaSnapshotFiles.of(lake.path(LOG));
    System.out.println("live files after " + commits + " commits: " + files.size());
    assertTrue(files.size() <= minFiles, "live files after " + commits + " two-file commits: " + files.size()
        + " (compaction at " + minFiles + " small files)");
    assertEquals(commits * 10L, DeltaIO.read(spark(), lake, LOG).count(), "no row lost to compaction");
    assertEquals(commits * 10L, DeltaIO.read(spark(), lake, LOG).select("run").distinct().count(), "no row doubled");
  }

  /** The auto-compaction keys of {@code spark.conf} in the shipped defaults, as Spark keys. */
  static Map<String, String> shippedAutoCompaction() {
    Map<String, String> keys = new HashMap<>();
    for (Map.Entry<String, ConfigValue> e : ChurnscopeConfig.defaults().raw().getConfig("spark.conf").entrySet()) {
      if (e.getKey().startsWith("databricks.delta.autoCompact")) {
        keys.put("spark." + e.getKey(), String.valueOf(e.getValue().unwrapped()));
      }
    }
    return keys;
  }
}
