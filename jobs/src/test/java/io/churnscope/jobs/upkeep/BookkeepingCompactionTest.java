package io.churnscope.jobs.upkeep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigValue;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.testing.DeltaSnapshotFiles;
import io.churnscope.common.testing.SparkTestBase;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tables every night appends a few rows to (the run manifest, the quarantine, the ingest
 * watermarks) must not grow a file per write forever. With the shipped settings a small write adds
 * its files and nothing rewrites them on the spot (Delta's auto compaction is off); the nightly's
 * {@code maintain-lake} stage, even with {@code maintain.nightly} off, compacts such a table once it
 * holds {@code maintain.optimize.min-files} files, and every row survives exactly once.
 */
class BookkeepingCompactionTest extends SparkTestBase {
  @TempDir
  Path dir;

  @Test
  void smallWritesAddFilesAndTheNightlyStageCompactsThemOnce() {
    Lake lake = new Lake(dir.resolve("lake").toString());
    String path = lake.path(RunTables.INGEST_WATERMARKS);
    int commits = 10;
    try (ConfRestore shipped = withConf(shippedAutoCompaction())) {
      for (int run = 0; run < commits; run++) {
        // Two tasks, so every commit adds two files, as a small nightly write does.
        DeltaIO.append(spark(), lake, RunTables.INGEST_WATERMARKS, spark().range(run * 10L, run * 10L + 10, 1, 2)
            .selectExpr("'source ' || id AS source", "date_add(DATE'2026-10-01', CAST(id AS INT)) AS ingested_through",
                "'run " + run + "' AS run_id"));
      }
    }
    assertEquals(2 * commits, DeltaSnapshotFiles.of(path).size(), "no write rewrote the small files of the ones before");

    RunContext night = RunContext.start(LocalDate.parse("2026-10-31"), lake, ChurnscopeConfig.defaults());
    String message = new MaintainStage().run(spark(), night).message();
    assertTrue(message.startsWith("off (maintain.nightly = false"), message);
    assertTrue(message.contains("compacted _runs.ingest_watermarks " + 2 * commits + " → 1 files"), message);
    assertEquals(1, DeltaSnapshotFiles.of(path).size(), "one file after the stage");
    assertEquals(commits * 10L, DeltaIO.read(spark(), lake, RunTables.INGEST_WATERMARKS).count(), "no row lost");
    assertEquals(commits * 10L, DeltaIO.read(spark(), lake, RunTables.INGEST_WATERMARKS).select("source").distinct().count(),
        "no row doubled");

    String again = new MaintainStage().run(spark(), night).message();
    assertEquals("off (maintain.nightly = false; bin/churnscope maintain runs it on demand)", again,
        "a table under maintain.optimize.min-files files is left alone");
  }

  /** The auto-compaction keys of {@code spark.conf} in the shipped defaults, as Spark keys. */
  static Map<String, String> shippedAutoCompaction() {
    Map<String, String> keys = new HashMap<>();
    for (Map.Entry<String, ConfigValue> e : ChurnscopeConfig.defaults().raw().getConfig("spark.conf").entrySet()) {
      if (e.getKey().startsWith("databricks.delta.autoCompact")) {
        keys.put("spark." + e.getKey(), String.valueOf(e.getValue().unwrapped()));
      }
    }
    assertEquals(Map.of("spark.databricks.delta.autoCompact.enabled", "false"), keys, "the shipped settings");
    return keys;
  }
}
